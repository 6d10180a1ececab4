/**
 * What the discovery tools do when called: search, describe and call. Imported with the first
 * discovery call, so a start that lists them (the default profile) does not load the search engine
 * or the call path for them.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { annotationsFor, toolsByName, type ToolSpec } from "./define.js";
import { executeTool, type ExecuteContext } from "./execute.js";
import { closest, oneLevel, schemaAt } from "./describe.js";
import { scopeAdvice } from "./scopes.js";
import { textResult } from "./result.js";
import { paramNames } from "./params.js";
import { purposeOf, ToolSearch } from "./search.js";
import type { DiscoveryOptions } from "./discovery.js";

export interface DiscoveryRunners {
  search(args: Record<string, unknown>): Promise<CallToolResult>;
  describe(args: Record<string, unknown>, ctx: ExecuteContext): Promise<CallToolResult>;
  call(args: Record<string, unknown>, ctx: ExecuteContext): Promise<CallToolResult>;
}

export function discoveryRunners(options: DiscoveryOptions): DiscoveryRunners {
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

  return {
    async search(args) {
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
    async describe(args, ctx) {
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
    async call(args, ctx) {
      const tool = reached().byName.get(String(args.name));
      if (!tool) return notFound(String(args.name));
      if (options.gate && !options.gate.visible(tool)) return textResult(`${scopeAdvice(tool)} Nothing was sent to Zoom.`, true);
      return executeTool(tool, args.arguments ?? {}, ctx);
    },
  };
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
