/**
 * Three tools that reach the whole catalog from a small tools/list: search, describe, call. `call`
 * validates with the target tool's own schema and runs it through the same executor, so errors,
 * retries and shaping are identical to calling the tool directly.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { annotationsFor, toolsByName, type ToolAnnotations, type ToolSpec } from "./define.js";
import { executeTool, type ExecuteContext } from "./execute.js";
import { closest, oneLevel, schemaAt } from "./describe.js";
import { scopeAdvice, type ScopeGate } from "./scopes.js";
import { textResult } from "./result.js";
import { paramNames } from "./params.js";
import { purposeOf, ToolSearch } from "./search.js";

export interface MetaTool {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly input: z.ZodObject;
  readonly annotations: ToolAnnotations;
  /** Runs before validation: may repair the raw arguments, or answer with an error that teaches the fix. */
  prepare?(raw: Record<string, unknown>): { readonly args: Record<string, unknown> } | { readonly result: CallToolResult };
  run(args: Record<string, unknown>, ctx: ExecuteContext): Promise<CallToolResult>;
}

export interface DiscoveryOptions {
  /** Every tool discovery may reach (after exclusions and read-only mode). */
  readonly callable: readonly ToolSpec[];
  /** Names listed directly in tools/list, so search can say which need call_zoom_tool. */
  readonly served: ReadonlySet<string>;
  readonly readOnly: boolean;
  /** Hides what the token's scopes cannot call, once known. @default nothing hidden */
  readonly gate?: ScopeGate;
}

export function discoveryTools(options: DiscoveryOptions): MetaTool[] {
  // What discovery reaches is read on first use (the extended set's index is not read at start).
  let reach: { byName: Map<string, ToolSpec>; toolsets: string[]; names: string[] } | undefined;
  const reached = () => {
    if (!reach) {
      const byName = toolsByName(options.callable);
      reach = { byName, toolsets: [...new Set(options.callable.flatMap((t) => (t.set ? [t.toolset, t.set] : [t.toolset])))], names: [...byName.keys()] };
    }
    return reach;
  };
  // Built on the first search: most sessions never search. Extended tools are indexed without reading their schemas.
  let index: ToolSearch | undefined;
  const searchIndex = () =>
    (index ??= new ToolSearch(
      options.callable.map((t) => ({ name: t.name, title: t.title, toolset: t.toolset, description: t.description, params: t.searchParams ? [...t.searchParams] : paramNames(t.inputSchema), ...(t.set ? { extended: true } : {}) })),
    ));
  const notFound = (name: string) => {
    const guesses = [...new Set([...closest(name, reached().names), ...searchIndex().search(name.replace(/_/g, " "), 3).map((h) => h.name)])].slice(0, 4);
    return textResult(
      `No tool named ${JSON.stringify(name)} is available${options.readOnly ? " in read-only mode" : ""}.${guesses.length ? ` Did you mean ${guesses.join(", ")}?` : ""} Use search_zoom_tools to find tool names.`,
      true,
    );
  };

  const search: MetaTool = {
    name: "search_zoom_tools",
    title: "Search Zoom tools",
    description: `Find Zoom API tools for a request in plain words or keywords (e.g. "who attended yesterday's all-hands", "phone call queue members"). Returns the best matches; then describe_zoom_tool for arguments.`,
    input: z.strictObject({
      query: z.string().min(1).max(200).describe("What you want to do, e.g. 'list past meeting participants'."),
      toolset: z.string().min(1).max(64).optional().describe("Only search this toolset, e.g. meetings, phone_call_queues, or a set: extended."),
      limit: z.int().min(1).max(50).optional().describe("How many matches to return (default 10)."),
    }),
    annotations: { title: "Search Zoom tools", readOnlyHint: true, openWorldHint: false },
    async run(args) {
      const { byName, toolsets } = reached();
      if (args.toolset !== undefined && !toolsets.includes(String(args.toolset))) {
        return textResult(`Unknown toolset ${JSON.stringify(args.toolset)}. Toolsets: ${toolsets.join(", ")}.`, true);
      }
      const toolset = args.toolset as string | undefined;
      const hits = searchIndex()
        .search(String(args.query), (args.limit as number | undefined) ?? 10, (name) => {
          const tool = byName.get(name)!;
          return (!toolset || tool.toolset === toolset || tool.set === toolset) && (options.gate?.visible(tool) ?? true);
        })
        .map((hit) => ({ tool: byName.get(hit.name)! }));
      if (!hits.length) return textResult(`No tool matches ${JSON.stringify(args.query)}. Try other words, or a toolset: ${toolsets.join(", ")}.`);
      const rows = hits.map(({ tool }) => ({
        name: tool.name,
        title: tool.title,
        toolset: tool.toolset,
        endpoint: `${tool.method} ${tool.path}`,
        purpose: purposeOf(tool),
        ...(tool.set ? { set: tool.set } : {}),
        ...(options.served.has(tool.name) ? { listed: true } : {}),
      }));
      return textResult(JSON.stringify({ matches: rows, next: "describe_zoom_tool {name} for arguments; call_zoom_tool {name, arguments} to run (or call it directly when listed: true)" }));
    },
  };

  const describe: MetaTool = {
    name: "describe_zoom_tool",
    title: "Describe a Zoom tool",
    description:
      'Show one Zoom API tool: full description, endpoint, OAuth scopes, rate-limit label and input schema, one level at a time (nested objects appear as their key names; pass path, e.g. "settings", to open one). Then run it with call_zoom_tool.',
    input: z.strictObject({
      name: z.string().min(1).max(64).describe("Tool name from search_zoom_tools, e.g. create_meeting."),
      path: z.string().min(1).max(300).optional().describe('A nested field to show, dotted, e.g. "settings" or "settings.approved_or_denied_countries_or_regions".'),
    }),
    annotations: { title: "Describe a Zoom tool", readOnlyHint: true, openWorldHint: false },
    async run(args, ctx) {
      const tool = reached().byName.get(String(args.name));
      if (!tool) return notFound(String(args.name));
      const path = args.path as string | undefined;
      const at = path ? schemaAt(tool.inputSchema, path) : ({ ok: true, schema: tool.inputSchema } as const);
      if (!at.ok) return textResult(`${at.message} Describe ${tool.name} without path to see its top-level fields.`, true);
      const head = {
        name: tool.name,
        title: tool.title,
        toolset: tool.toolset,
        ...(tool.set ? { set: tool.set } : {}),
        endpoint: `${tool.method} ${tool.path}`,
        ...(path ? {} : { description: tool.description, annotations: annotationsFor(tool), scopes: tool.scopes, rateLimit: tool.rateLimit ?? null }),
        ...(options.gate?.missing(tool) ? { scopesToAdd: scopeAdvice(tool) } : {}),
      };
      const shown = oneLevel(at.schema);
      const nested = JSON.stringify(shown).includes('"keys":[');
      const note = nested ? `Fields shown as "keys" are objects: describe again with path${path ? ` "${path}.<field>"` : ' (e.g. "settings")'} to see their fields.` : undefined;
      const body = { ...head, ...(path ? { path, schema: shown } : { inputSchema: shown }), ...(note ? { note } : {}) };
      return capped(body, ctx.maxResultChars, tool.name);
    },
  };

  const call: MetaTool = {
    name: "call_zoom_tool",
    title: "Call a Zoom tool",
    description: `Run any Zoom API tool by name with its arguments, including tools not listed directly. Arguments are checked against that tool's schema (see describe_zoom_tool) before anything is sent to Zoom.${options.readOnly ? " Read-only mode: only read-only tools can be called." : ""}`,
    input: z.strictObject({
      name: z.string().min(1).max(64).describe("Tool name, e.g. create_meeting."),
      arguments: z.record(z.string(), z.unknown()).optional().describe("The tool's arguments as one object, exactly as describe_zoom_tool's inputSchema defines them."),
    }),
    annotations: options.readOnly
      ? ({ title: "Call a Zoom tool", readOnlyHint: true, openWorldHint: true })
      : { title: "Call a Zoom tool", readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    prepare(raw) {
      const { name, arguments: given, ...stray } = raw;
      const named = typeof name === "string" ? name : "<tool name>";
      if (Object.keys(stray).length) {
        const fixed = JSON.stringify({ name: named, arguments: { ...(given && typeof given === "object" ? given : {}), ...stray } });
        return { result: textResult(`call_zoom_tool takes only name and arguments; put the tool's arguments under \`arguments\`, e.g. ${fixed.length > 400 ? `{"name":"${named}","arguments":{...}}` : fixed}. Nothing was sent to Zoom.`, true) };
      }
      if (typeof given !== "string") return { args: raw };
      // Some clients send the arguments object as a JSON string.
      try {
        const parsed: unknown = JSON.parse(given);
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return { args: { ...raw, arguments: parsed } };
      } catch {
        // Answered below.
      }
      return { result: textResult(`\`arguments\` must be an object of the tool's arguments (or a JSON string of one), e.g. {"name":"${named}","arguments":{"meetingId":"85746065123"}}. Nothing was sent to Zoom.`, true) };
    },
    async run(args, ctx) {
      const tool = reached().byName.get(String(args.name));
      if (!tool) return notFound(String(args.name));
      if (options.gate && !options.gate.visible(tool)) return textResult(`${scopeAdvice(tool)} Nothing was sent to Zoom.`, true);
      return executeTool(tool, args.arguments ?? {}, ctx);
    },
  };

  return [search, describe, call];
}

/** A describe answer within the result cap: in full when it fits, else with field descriptions cut to their first sentence, else field names only. */
function capped(body: Record<string, unknown>, maxChars: number, name: string): CallToolResult {
  const full = JSON.stringify(body);
  if (full.length <= maxChars) return textResult(full);
  const key = "schema" in body ? "schema" : "inputSchema";
  const schema = body[key] as { properties?: Record<string, Record<string, unknown>> };
  const brief = Object.fromEntries(
    Object.entries(schema.properties ?? {}).map(([k, v]) => [k, typeof v.description === "string" ? { ...v, description: v.description.split(/\.(\s|$)/)[0] } : v]),
  );
  const shorter = JSON.stringify({ ...body, [key]: { ...schema, properties: brief }, note: `Descriptions cut to fit the result size; describe ${name} with path "<field>" for one field in full.` });
  if (shorter.length <= maxChars) return textResult(shorter);
  return textResult(JSON.stringify({ ...body, [key]: { fields: Object.keys(schema.properties ?? {}) }, note: `Too large to show here; describe ${name} with path "<field>" to see one field at a time.` }));
}
