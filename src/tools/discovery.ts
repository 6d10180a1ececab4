/**
 * Three tools that reach the whole catalog from a small tools/list: search, describe, call. `call`
 * validates with the target tool's own schema and runs it through the same executor, so errors,
 * retries and shaping are identical to calling the tool directly.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { annotationsFor, type ToolAnnotations, type ToolSpec } from "./define.js";
import { executeTool, type ExecuteContext } from "./execute.js";
import { textResult } from "./result.js";
import { paramNames, purposeOf, ToolSearch } from "./search.js";

export interface MetaTool {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly input: z.ZodObject;
  readonly annotations: ToolAnnotations;
  run(args: Record<string, unknown>, ctx: ExecuteContext): Promise<CallToolResult>;
}

export interface DiscoveryOptions {
  /** Every tool discovery may reach (after exclusions and read-only mode). */
  readonly callable: readonly ToolSpec[];
  /** Names listed directly in tools/list, so search can say which need call_zoom_tool. */
  readonly served: ReadonlySet<string>;
  readonly readOnly: boolean;
}

export function discoveryTools(options: DiscoveryOptions): MetaTool[] {
  const byName = new Map(options.callable.map((t) => [t.name, t]));
  const toolsets = [...new Set(options.callable.map((t) => t.toolset))];
  // Built on the first search: most sessions never search.
  let index: ToolSearch | undefined;
  const searchIndex = () =>
    (index ??= new ToolSearch(
      options.callable.map((t) => ({ name: t.name, title: t.title, toolset: t.toolset, description: t.description, params: paramNames(t.inputSchema) })),
    ));
  const notFound = (name: string) =>
    textResult(
      `No tool named ${JSON.stringify(name)} is available${options.readOnly ? " in read-only mode" : ""}. Use search_zoom_tools to find tool names.`,
      true,
    );

  const search: MetaTool = {
    name: "search_zoom_tools",
    title: "Search Zoom tools",
    description: `Find Zoom API tools for a request in plain words or keywords (e.g. "who attended yesterday's all-hands", "phone call queue members"). Returns the best matches; then describe_zoom_tool for arguments.`,
    input: z.strictObject({
      query: z.string().min(1).max(200).describe("What you want to do, e.g. 'list past meeting participants'."),
      toolset: z.string().min(1).max(64).optional().describe("Only search this toolset, e.g. meetings, phone_call_queues."),
      limit: z.int().min(1).max(50).optional().describe("How many matches to return (default 10)."),
    }),
    annotations: { title: "Search Zoom tools", readOnlyHint: true, openWorldHint: false },
    async run(args) {
      if (args.toolset !== undefined && !toolsets.includes(String(args.toolset))) {
        return textResult(`Unknown toolset ${JSON.stringify(args.toolset)}. Toolsets: ${toolsets.join(", ")}.`, true);
      }
      const toolset = args.toolset as string | undefined;
      const hits = searchIndex()
        .search(String(args.query), (args.limit as number | undefined) ?? 10, toolset ? (name) => byName.get(name)!.toolset === toolset : undefined)
        .map((hit) => ({ tool: byName.get(hit.name)! }));
      if (!hits.length) return textResult(`No tool matches ${JSON.stringify(args.query)}. Try other words, or a toolset: ${toolsets.join(", ")}.`);
      const rows = hits.map(({ tool }) => ({
        name: tool.name,
        title: tool.title,
        toolset: tool.toolset,
        endpoint: `${tool.method} ${tool.path}`,
        purpose: purposeOf(tool),
        ...(options.served.has(tool.name) ? { listed: true } : {}),
      }));
      return textResult(JSON.stringify({ matches: rows, next: "describe_zoom_tool {name} for arguments; call_zoom_tool {name, arguments} to run (or call it directly when listed: true)" }));
    },
  };

  const describe: MetaTool = {
    name: "describe_zoom_tool",
    title: "Describe a Zoom tool",
    description: "Show one Zoom API tool's full description, input JSON Schema, endpoint, required OAuth scopes and rate-limit label, before calling it with call_zoom_tool.",
    input: z.strictObject({ name: z.string().min(1).max(64).describe("Tool name from search_zoom_tools, e.g. create_user_meeting.") }),
    annotations: { title: "Describe a Zoom tool", readOnlyHint: true, openWorldHint: false },
    async run(args) {
      const tool = byName.get(String(args.name));
      if (!tool) return notFound(String(args.name));
      return textResult(
        JSON.stringify({
          name: tool.name,
          title: tool.title,
          toolset: tool.toolset,
          endpoint: `${tool.method} ${tool.path}`,
          description: tool.description,
          annotations: annotationsFor(tool),
          scopes: tool.scopes,
          rateLimit: tool.rateLimit ?? null,
          // The full schema, with every description and constraint that tools/list trims.
          inputSchema: tool.inputSchema,
        }),
      );
    },
  };

  const call: MetaTool = {
    name: "call_zoom_tool",
    title: "Call a Zoom tool",
    description: `Run any Zoom API tool by name with its arguments, including tools not listed directly. Arguments are checked against that tool's schema (see describe_zoom_tool) before anything is sent to Zoom.${options.readOnly ? " Read-only mode: only read-only tools can be called." : ""}`,
    input: z.strictObject({
      name: z.string().min(1).max(64).describe("Tool name, e.g. create_user_meeting."),
      arguments: z.record(z.string(), z.unknown()).optional().describe("The tool's arguments as one object, exactly as describe_zoom_tool's inputSchema defines them."),
    }),
    annotations: options.readOnly
      ? ({ title: "Call a Zoom tool", readOnlyHint: true, openWorldHint: true })
      : { title: "Call a Zoom tool", readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    async run(args, ctx) {
      const tool = byName.get(String(args.name));
      if (!tool) return notFound(String(args.name));
      return executeTool(tool, args.arguments ?? {}, ctx);
    },
  };

  return [search, describe, call];
}
