/**
 * createServer: a cheap factory with no I/O and no environment reads. It serves the given endpoint
 * tools and discovery tools over MCP and sends every call to the one generic executor.
 *
 * It uses the SDK's low-level `Server` rather than `McpServer.registerTool`: with hundreds of large
 * schemas, tools/list is converted once and cached (McpServer converts every schema on every list),
 * and validation failures come back as field-by-field tool errors that name what to fix.
 */
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation";
import { CallToolRequestSchema, ListToolsRequestSchema, SetLevelRequestSchema, type CallToolResult, type Tool } from "@modelcontextprotocol/sdk/types.js";
import type { ZoomClient } from "./http/client.js";
import type { Logger } from "./logger.js";
import { advertisedSchema } from "./catalog/advertise.js";
import { compactDescription, compactSchema } from "./tools/compact.js";
import { scopeAdvice, type ScopeGate } from "./tools/scopes.js";
import { annotationsFor, toolsByName, type JsonSchema, type ToolSpec } from "./tools/define.js";
import { LOG_LEVELS, stoppedMessage, type CallScope, type CallTracker, type LogLevel, type NoticeSink } from "./transports/calls.js";
import type { FileAccess } from "./tools/files.js";
import type { MetaTool } from "./tools/discovery.js";
import type { ExecuteContext } from "./tools/execute.js";
import { toInputJsonSchema } from "./tools/json-schema.js";
import { listingEntry } from "./tools/listing-text.js";
import { VERSION } from "./version.js";

/**
 * What a tool call needs beyond the listing (validation, the HTTP core, result shaping): about half
 * of zoom-mcp's modules, which a start does not need. Imported with the first call, or right after
 * the first listing is sent.
 */
async function importCallPath() {
  const [{ executeTool }, { textResult, validationResult }, { normalizeArgs }, { clip }] = await Promise.all([
    import("./tools/execute.js"),
    import("./tools/result.js"),
    import("./tools/validate.js"),
    import("./tools/shaping.js"),
  ]);
  return { executeTool, textResult, validationResult, normalizeArgs, clip };
}
let callPath: ReturnType<typeof importCallPath> | undefined;

/**
 * The SDK checks elicitation answers (confirmations) with Ajv. It would build one Ajv instance per
 * server, that is per session and at every start, though few sessions ever confirm: here one is
 * built on first use and shared.
 */
let ajv: AjvJsonSchemaValidator | undefined;
const sharedValidator: jsonSchemaValidator = { getValidator: (schema) => (ajv ??= new AjvJsonSchemaValidator()).getValidator(schema) };
const loadCallPath = () => (callPath ??= importCallPath());

/**
 * The call path's import, once a listing or a call has started it (else undefined). A process that
 * only lists tools and then tears down its module loader (a test file) awaits it first.
 */
export function callPathLoading(): Promise<unknown> | undefined {
  return callPath;
}

export interface ServerDeps {
  readonly client: ZoomClient;
  readonly logger: Logger;
  /** Tracks running calls so shutdown can drain them. */
  readonly calls?: CallTracker;
  /** Where file_path may read. @default none */
  readonly files?: FileAccess;
  /** Tell each session once that it talks to the sandbox. */
  readonly sandbox?: boolean;
  /** Hides the tools the token's granted scopes cannot call, once they are known. */
  readonly gate?: ScopeGate;
  /**
   * Fetches a token so the granted scopes become known. Called once a session's first tool listing
   * is sent (or LEARN_SCOPES_AFTER_MS after it starts, if it lists nothing), so the token request and
   * the HTTP client it loads do not hold up that listing.
   */
  readonly learnScopes?: () => Promise<void>;
}

/** A session that lists no tools learns its token's scopes this long after it starts. */
export const LEARN_SCOPES_AFTER_MS = 100;

/** Until a client sets a level, it gets notices from `info` up. */
const DEFAULT_CLIENT_LOG_LEVEL: LogLevel = "info";

export interface ServerOptions {
  /** Endpoint tools listed in tools/list, each with its own input schema (catalog tools or custom ones). */
  readonly tools: readonly ToolSpec[];
  /** Discovery tools listed in tools/list. */
  readonly meta?: readonly MetaTool[];
  /** Tools listed with a compact schema: name -> the input fields advertised. They still take every field. */
  readonly compact?: ReadonlyMap<string, readonly string[]>;
  /** Largest result text, in characters. @default 80_000 (about 20k tokens) */
  readonly maxResultChars?: number;
  /** Most pages one `all_pages` call fetches. */
  readonly maxPages?: number;
  readonly instructions?: string;
}

export function instructionsFor(options: { discovery: boolean; sandbox?: boolean }): string {
  return [
    ...(options.sandbox ? ["SANDBOX: these tools talk to a simulated Zoom inside zoom-mcp, not to a real account. Data is made up and nothing reaches Zoom. Most writes are kept and show in later reads; a result with the line \"sandbox: example response, no state kept\" is only an example, and a later read will not show that change."] : []),
    "zoom-mcp exposes the Zoom REST API v2 as tools, one per endpoint, named verb first (list_, get_, create_, update_, delete_).",
    ...(options.discovery
      ? [
          "Only the most-used tools are listed, most with their common fields only (they accept every field describe_zoom_tool shows). To reach any other endpoint: search_zoom_tools, describe_zoom_tool for its arguments, then call_zoom_tool with {name, arguments}. Search also covers the rest of Zoom's current API (marked set: extended), e.g. AI Companion meeting summaries and transcripts.",
        ]
      : []),
    "IDs: meeting and webinar IDs can exceed 10 digits (pass them as strings if your client rounds large numbers); userId takes a user ID, an email address, or 'me'.",
    "Big answers: read tools take `fields` (comma-separated paths to keep); list tools page with next_page_token, or take all_pages with max_items to merge pages.",
    "Errors come back as tool results with Zoom's HTTP status, error code and a hint. Fix the arguments rather than retrying blindly; rate limits are already retried for you.",
  ].join("\n");
}

export function createServer(options: ServerOptions, deps: ServerDeps): Server {
  const meta = options.meta ?? [];
  const server = new Server(
    { name: "zoom-mcp", title: "Zoom", version: VERSION },
    { capabilities: { tools: { listChanged: true }, logging: {} }, instructions: options.instructions ?? instructionsFor({ discovery: meta.length > 0 }), jsonSchemaValidator: sharedValidator },
  );
  // logging/setLevel: this server instance serves one session (or one stateless request), so one level.
  let minLevel = LOG_LEVELS.indexOf(DEFAULT_CLIENT_LOG_LEVEL);
  server.setRequestHandler(SetLevelRequestSchema, (request) => {
    minLevel = LOG_LEVELS.indexOf(request.params.level);
    return {};
  });
  let toldSandbox = false;
  // A direct tools/call may use a tool's earlier name (alias); tools/list shows current names only.
  const endpoints = toolsByName(options.tools);
  const metas = new Map(meta.map((t) => [t.name, t]));
  let listing: Tool[] | undefined;
  const metaSchemas = new Map<string, JsonSchema>();
  const metaSchema = (t: MetaTool): JsonSchema => {
    let schema = metaSchemas.get(t.name);
    if (!schema) metaSchemas.set(t.name, (schema = toInputJsonSchema(t.input) as JsonSchema));
    return schema;
  };
  // Once the granted scopes are known (or change), the listing is rebuilt and the client told.
  const stopWatching = deps.gate?.onChange(() => {
    listing = undefined;
    void server.sendToolListChanged().catch(() => undefined);
  });
  const previousClose = server.onclose;
  server.onclose = () => {
    stopWatching?.();
    previousClose?.();
  };
  // After the first listing is written (setImmediate runs after the response's microtasks), or a little after initialize.
  let listedOnce = false;
  let learning = false;
  const learnScopes = () => {
    if (learning || !deps.learnScopes) return;
    learning = true;
    void deps.learnScopes();
  };
  if (deps.learnScopes) {
    const previous = server.oninitialized;
    server.oninitialized = () => {
      previous?.();
      setTimeout(learnScopes, LEARN_SCOPES_AFTER_MS).unref();
    };
  }

  server.setRequestHandler(ListToolsRequestSchema, () => {
    listing ??= [
      ...meta.map((t) => ({ name: t.name, title: t.title, description: t.description, inputSchema: advertisedSchema(metaSchema(t)) as Tool["inputSchema"], annotations: t.annotations })),
      ...options.tools.filter((tool) => deps.gate?.visible(tool) ?? true).map((tool) => {
        const fields = options.compact?.get(tool.name);
        // The catalog's listed schema as text: written as it is over stdio, parsed only if something reads it.
        if (!fields && tool.listedSchemaText !== undefined) {
          return listingEntry({ name: tool.name, title: tool.title, description: tool.description, annotations: annotationsFor(tool) }, tool.listedSchemaText, () => tool.listedSchema as Tool["inputSchema"]);
        }
        const schema = tool.listedSchema ?? advertisedSchema(tool.inputSchema);
        return {
          name: tool.name,
          title: tool.title,
          description: fields ? compactDescription(tool) : tool.description,
          inputSchema: (fields ? compactSchema(tool.name, schema, fields) : schema) as Tool["inputSchema"],
          annotations: annotationsFor(tool),
        };
      }),
    ];
    if (!listedOnce) {
      listedOnce = true;
      setImmediate(() => {
        learnScopes();
        void loadCallPath();
      });
    }
    return { tools: listing };
  });

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    // notifications/message tied to this request, so over HTTP they travel on the call's own stream.
    const notify: NoticeSink = (level, message) => {
      if (LOG_LEVELS.indexOf(level) < minLevel) return;
      void extra.sendNotification({ method: "notifications/message", params: { level, logger: "zoom-mcp", data: message } }).catch(() => undefined);
    };
    if (deps.sandbox && !toldSandbox) {
      toldSandbox = true;
      notify("notice", "SANDBOX mode: answers come from a simulated Zoom inside zoom-mcp; nothing is sent to a real Zoom account.");
    }
    const run = (signal: AbortSignal, scope?: CallScope) => callTool(request, signal, extra, scope);
    if (!deps.calls) return run(extra.signal);
    return deps.calls.run(extra.signal, notify, run, (why): CallToolResult => ({ content: [{ type: "text", text: stoppedMessage(why) }], isError: true }));
  });

  const callTool = async (
    request: { params: { name: string; arguments?: Record<string, unknown>; _meta?: { progressToken?: string | number } } },
    signal: AbortSignal,
    extra: { sendNotification: (n: { method: "notifications/progress"; params: { progressToken: string | number; progress: number; total?: number; message?: string } }) => Promise<void> },
    scope: CallScope | undefined,
  ): Promise<CallToolResult> => {
    const { executeTool, textResult, validationResult, normalizeArgs, clip } = await loadCallPath();
    const progressToken = request.params._meta?.progressToken;
    let step = 0;
    const ctx: ExecuteContext = {
      client: deps.client,
      logger: deps.logger,
      signal,
      ...(scope ? { call: scope } : {}),
      ...(deps.files ? { files: deps.files } : {}),
      maxResultChars: options.maxResultChars ?? 80_000,
      // A client that can ask its user confirms irreversible calls here; others rely on the destructive annotation.
      ...(server.getClientCapabilities()?.elicitation
        ? {
            confirm: async (summary: string) => {
              const answer = await server.elicitInput(
                {
                  message: summary,
                  requestedSchema: { type: "object", properties: { confirm: { type: "boolean", title: "Go ahead", description: "Yes to send this call to Zoom." } }, required: ["confirm"] },
                },
                { signal },
              );
              return answer.action === "accept" && answer.content?.confirm === true;
            },
          }
        : {}),
      ...(options.maxPages !== undefined ? { maxPages: options.maxPages } : {}),
      ...(progressToken !== undefined
        ? {
            onProgress: (message, progress) => {
              step = Math.max(step + 1, progress?.progress ?? 0);
              void extra
                .sendNotification({ method: "notifications/progress", params: { progressToken, progress: step, ...(progress?.total !== undefined ? { total: progress.total } : {}), message } })
                .catch(() => undefined);
            },
          }
        : {}),
    };
    const name = request.params.name;
    const tool = endpoints.get(name);
    if (tool && deps.gate && !deps.gate.visible(tool)) return textResult(`${scopeAdvice(tool)} Nothing was sent to Zoom.`, true);
    const metaTool = tool ? undefined : metas.get(name);
    if (tool || metaTool) {
      // Every failure is a result: nothing a caller or Zoom sends may surface as a JSON-RPC internal error.
      try {
        if (tool) return await executeTool(tool, request.params.arguments, ctx);
        // Null optionals are "not given", and a free-form field may come as a JSON string (see advertise.ts).
        const raw = normalizeArgs(metaSchema(metaTool!), request.params.arguments ?? {}) as Record<string, unknown>;
        const prepared = metaTool!.prepare ? metaTool!.prepare(raw) : { args: raw };
        if ("result" in prepared) return prepared.result;
        const parsed = metaTool!.input.safeParse(prepared.args);
        if (!parsed.success) return validationResult(metaTool!, parsed.error);
        return await metaTool!.run(parsed.data as Record<string, unknown>, ctx);
      } catch (error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        deps.logger.error({ tool: name, err: message.slice(0, 500) }, "tool call failed unexpectedly");
        return textResult(`${clip(name)} failed inside zoom-mcp: ${message.slice(0, 300)}. Nothing more is known about whether Zoom applied it; if it was a change, check before calling again.`, true);
      }
    }
    return textResult(
      `Unknown tool ${JSON.stringify(clip(name))}.${meta.length ? " Use search_zoom_tools to find it, then call_zoom_tool to run it." : " Call tools/list to see the tools this server offers."}`,
      true,
    );
  };

  return server;
}
