/**
 * Three tools that reach the whole catalog from a small tools/list: search, describe, call. `call`
 * validates with the target tool's own schema and runs it through the same executor, so errors,
 * retries and shaping are identical to calling the tool directly.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ToolAnnotations, ToolSpec } from "./define.js";
import type { DiscoveryRunners } from "./discovery-run.js";
import type { ExecuteContext } from "./execute.js";
import type { ScopeGate } from "./scopes.js";

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

/** An error result (as result.ts's textResult makes), here so that listing the tools loads nothing else. */
const refusal = (text: string): CallToolResult => ({ content: [{ type: "text", text }], isError: true });

export function discoveryTools(options: DiscoveryOptions): MetaTool[] {
  // What the tools do is imported with the first discovery call (the search engine, the call path).
  let runners: Promise<DiscoveryRunners> | undefined;
  const runner = () => (runners ??= import("./discovery-run.js").then((m) => m.discoveryRunners(options)));

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
      return (await runner()).search(args);
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
      return (await runner()).describe(args, ctx);
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
        return { result: refusal(`call_zoom_tool takes only name and arguments; put the tool's arguments under \`arguments\`, e.g. ${fixed.length > 400 ? `{"name":"${named}","arguments":{...}}` : fixed}. Nothing was sent to Zoom.`) };
      }
      if (typeof given !== "string") return { args: raw };
      // Some clients send the arguments object as a JSON string.
      try {
        const parsed: unknown = JSON.parse(given);
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return { args: { ...raw, arguments: parsed } };
      } catch {
        // Answered below.
      }
      return { result: refusal(`\`arguments\` must be an object of the tool's arguments (or a JSON string of one), e.g. {"name":"${named}","arguments":{"meetingId":"85746065123"}}. Nothing was sent to Zoom.`) };
    },
    async run(args, ctx) {
      return (await runner()).call(args, ctx);
    },
  };

  return [search, describe, call];
}

