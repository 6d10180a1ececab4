/**
 * Per-client limits on the tools a session serves: from a bearer token's config and from the
 * X-MCP-Toolsets, X-MCP-Tools, X-MCP-Exclude-Tools and X-MCP-Readonly request headers.
 *
 * A limit only ever narrows: the result is the intersection of what the server's own flags serve
 * and what the limit asks for, so a header or token can never reach a tool the server does not
 * serve. Limits follow the flags' rules: toolsets (or the profiles all, default, discovery) plus
 * single tools, minus exclusions, then read-only drops every tool that is not read-only. A limit
 * that names only tools (no toolsets) means exactly those tools.
 */
import type { IncomingHttpHeaders } from "node:http";
import { annotationsFor, type ToolSpec } from "../tools/define.js";
import { DEFAULT_PROFILE, SETS, type ExtendedSource, type Served } from "../tools/select.js";

export interface Limits {
  readonly toolsets?: readonly string[];
  readonly tools?: readonly string[];
  readonly excludeTools?: readonly string[];
  readonly readOnly?: boolean;
}

export class NarrowingError extends Error {
  override name = "NarrowingError";
}

const PROFILES = ["all", "default", "discovery"];

/** The headers' limits, or undefined when none is set. Throws NarrowingError on a malformed value. */
export function limitsFromHeaders(headers: IncomingHttpHeaders): Limits | undefined {
  const listOf = (name: string) => {
    const raw = headers[name];
    if (raw === undefined) return undefined;
    const text = Array.isArray(raw) ? raw.join(",") : raw;
    return text.split(",").map((s) => s.trim()).filter(Boolean);
  };
  const toolsets = listOf("x-mcp-toolsets");
  const tools = listOf("x-mcp-tools");
  const excludeTools = listOf("x-mcp-exclude-tools");
  const rawReadOnly = headers["x-mcp-readonly"];
  let readOnly: boolean | undefined;
  if (rawReadOnly !== undefined) {
    const v = String(rawReadOnly).trim().toLowerCase();
    if (!/^(|0|1|true|false|yes|no)$/.test(v)) throw new NarrowingError(`X-MCP-Readonly must be true or false (got ${JSON.stringify(rawReadOnly)}).`);
    readOnly = /^(1|true|yes)$/.test(v);
  }
  if (!toolsets && !tools && !excludeTools && readOnly === undefined) return undefined;
  return { ...(toolsets ? { toolsets } : {}), ...(tools ? { tools } : {}), ...(excludeTools ? { excludeTools } : {}), ...(readOnly !== undefined ? { readOnly } : {}) };
}

/** Checks that a limit names only known toolsets and tools. */
export function validateLimits(
  limits: Limits,
  all: readonly ToolSpec[],
  discovery: readonly string[],
  source: string,
  extended: () => ExtendedSource = () => ({ tools: [], toolsets: new Map() }),
): void {
  const toolsetIds = new Set([...all.map((t) => t.toolset), ...SETS]);
  const names = new Set([...all.map((t) => t.name), ...discovery]);
  // The extended index is read only when a limit names something beyond the catalog.
  if ([...(limits.toolsets ?? [])].some((id) => !PROFILES.includes(id) && !toolsetIds.has(id)) || [...(limits.tools ?? []), ...(limits.excludeTools ?? [])].some((n) => !names.has(n))) {
    const ext = extended();
    for (const id of ext.toolsets.keys()) toolsetIds.add(id);
    for (const t of ext.tools) names.add(t.name);
  }
  const badSets = (limits.toolsets ?? []).filter((id) => !PROFILES.includes(id) && !toolsetIds.has(id));
  if (badSets.length) throw new NarrowingError(`${source}: unknown toolset(s) ${badSets.join(", ")}. Valid: ${[...PROFILES, ...toolsetIds].join(", ")}.`);
  const badTools = [...(limits.tools ?? []), ...(limits.excludeTools ?? [])].filter((n) => !names.has(n));
  if (badTools.length) throw new NarrowingError(`${source}: unknown tool(s) ${badTools.join(", ")}. Run \`zoom-mcp tools --toolsets all\` to list the tool names.`);
}

/** What the server serves, narrowed by one limit. Never adds a tool. */
export function narrow(served: Served, limits: Limits): Served {
  let { tools, discovery } = served;
  // What discovery may reach is filtered when it is first read: it holds the extended set, read on first use.
  const reach: ((t: ToolSpec) => boolean)[] = [];
  if (limits.toolsets !== undefined || limits.tools !== undefined) {
    const sets = new Set(limits.toolsets ?? []);
    const names = new Set(limits.tools ?? []);
    const everything = sets.has("all");
    const withDefault = sets.has("default");
    const picked = (t: ToolSpec) => everything || sets.has(t.toolset) || (t.set !== undefined && sets.has(t.set)) || names.has(t.name) || (withDefault && DEFAULT_PROFILE.includes(t.name));
    tools = tools.filter(picked);
    // Discovery reaches every tool only under the profiles that include it, as with the flags.
    const reachesAll = everything || withDefault || sets.has("discovery");
    if (!reachesAll) reach.push(picked);
    discovery = discovery.filter((n) => withDefault || sets.has("discovery") || names.has(n));
  }
  if (limits.excludeTools?.length) {
    const excluded = new Set(limits.excludeTools);
    const kept = (t: ToolSpec) => !excluded.has(t.name);
    tools = tools.filter(kept);
    reach.push(kept);
    discovery = discovery.filter((n) => !excluded.has(n));
  }
  if (limits.readOnly) {
    const readOnly = (t: ToolSpec) => annotationsFor(t).readOnlyHint === true;
    tools = tools.filter(readOnly);
    reach.push(readOnly);
  }
  // A tool that stays keeps its compact listing.
  const kept = new Set(tools.map((t) => t.name));
  const compact = new Map([...served.compact].filter(([name]) => kept.has(name)));
  let callable: ToolSpec[] | undefined;
  return {
    tools,
    discovery,
    compact,
    get callable() {
      callable ??= served.callable.filter((t) => reach.every((ok) => ok(t)));
      return callable;
    },
  };
}

/** A stable key for caching a list of limits. */
export function limitsKey(limits: readonly Limits[]): string {
  return JSON.stringify(limits.map((l) => [l.toolsets ?? null, l.tools ?? null, l.excludeTools ?? null, l.readOnly ?? null]));
}
