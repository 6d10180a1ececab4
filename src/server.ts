/**
 * createServer: a cheap factory with no I/O and no environment reads. It serves the given tools
 * over MCP and sends every call to the one generic executor.
 *
 * It uses the SDK's low-level `Server` rather than `McpServer.registerTool`: with hundreds of large
 * schemas, `tools/list` is converted once and cached (McpServer converts every schema on every
 * list), and validation failures come back as field-by-field tool errors that name what to fix.
 */
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, ListToolsRequestSchema, type Tool } from "@modelcontextprotocol/sdk/types.js";
import type { ZoomClient } from "./http/client.js";
import type { Logger } from "./logger.js";
import type { ToolSpec } from "./tools/define.js";
import { executeTool } from "./tools/execute.js";
import { annotationsOf, jsonSchemaOf } from "./tools/registry.js";
import { textResult } from "./tools/result.js";
import { VERSION } from "./version.js";

export interface ServerDeps {
  readonly client: ZoomClient;
  readonly logger: Logger;
}

export interface ServerOptions {
  /** The tools this server serves. */
  readonly tools: readonly ToolSpec[];
  readonly instructions?: string;
}

export const DEFAULT_INSTRUCTIONS = [
  "zoom-mcp exposes the Zoom REST API v2 as tools, one per endpoint, named verb first (list_, get_, create_, update_, delete_).",
  "IDs: meeting and webinar IDs are numbers that can exceed 10 digits (pass them as strings if your client rounds large numbers); userId accepts a user ID or email address.",
  "Lists page with next_page_token: pass the token from the previous answer to get the next page.",
  "Errors come back as tool results with Zoom's HTTP status, error code and a hint; fix the arguments rather than retrying blindly.",
].join("\n");

export function createServer(options: ServerOptions, deps: ServerDeps): Server {
  const server = new Server(
    { name: "zoom-mcp", title: "Zoom", version: VERSION },
    { capabilities: { tools: {} }, instructions: options.instructions ?? DEFAULT_INSTRUCTIONS },
  );
  const served = new Map(options.tools.map((t) => [t.name, t]));
  let listing: Tool[] | undefined;

  server.setRequestHandler(ListToolsRequestSchema, () => {
    listing ??= options.tools.map((tool) => ({
      name: tool.name,
      title: tool.title,
      description: tool.description,
      inputSchema: jsonSchemaOf(tool) as Tool["inputSchema"],
      annotations: annotationsOf(tool),
    }));
    return { tools: listing };
  });

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const tool = served.get(request.params.name);
    if (!tool) {
      return textResult(`Unknown tool ${JSON.stringify(request.params.name)}. Call tools/list to see the tools this server offers.`, true);
    }
    const progressToken = request.params._meta?.progressToken;
    let progress = 0;
    return executeTool(tool, request.params.arguments, {
      client: deps.client,
      logger: deps.logger,
      signal: extra.signal,
      ...(progressToken !== undefined
        ? {
            onProgress: (message: string) => {
              void extra
                .sendNotification({ method: "notifications/progress", params: { progressToken, progress: ++progress, message } })
                .catch(() => undefined);
            },
          }
        : {}),
    });
  });

  return server;
}
