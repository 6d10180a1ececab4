/**
 * Which tools a configuration serves. One rule: start from the chosen toolsets (and profiles), add
 * single tools, then remove exclusions; read-only mode finally drops every tool that is not
 * read-only. Discovery (`search_zoom_tools`, `describe_zoom_tool`, `call_zoom_tool`) reaches every
 * tool that survives the exclusions and read-only mode, served directly or not.
 */
import { annotationsFor, type ToolSpec } from "./define.js";

export interface Selection {
  /** Toolset ids, `all`, `default` or `discovery`. Empty means `default`. */
  readonly toolsets: readonly string[];
  readonly tools: readonly string[];
  readonly excludeTools: readonly string[];
  readonly readOnly: boolean;
}

export interface Served {
  /** Endpoint tools listed in tools/list. */
  readonly tools: ToolSpec[];
  /** Discovery tools listed in tools/list (a subset of DISCOVERY_TOOLS). */
  readonly discovery: string[];
  /** Every endpoint tool discovery may search, describe and call. */
  readonly callable: ToolSpec[];
}

export class SelectionError extends Error {
  override name = "SelectionError";
}

export const DISCOVERY_TOOLS = ["search_zoom_tools", "describe_zoom_tool", "call_zoom_tool"] as const;

/**
 * The default profile: the endpoints agents use most (meetings, users, webinars, registrants,
 * recordings), small enough for clients that cap the tool count, plus discovery for the other 346.
 */
export const DEFAULT_PROFILE: readonly string[] = [
  "list_user_meetings",
  "get_meeting",
  "delete_meeting",
  "update_meeting_status",
  "get_meeting_invitation",
  "list_meeting_registrants",
  "update_meeting_registrants_status",
  "get_meeting_livestream",
  "update_meeting_livestream",
  "get_past_meeting",
  "list_past_meeting_participants",
  "list_users",
  "get_user",
  "list_user_webinars",
  "get_webinar",
  "delete_webinar",
  "list_webinar_registrants",
  "list_webinar_panelists",
  "list_past_webinar_participants",
  "list_user_recordings",
  "list_meeting_recordings",
  "delete_meeting_recordings",
];

const PROFILES = ["all", "default", "discovery"];

export function selectTools(all: readonly ToolSpec[], selection: Selection): Served {
  const toolsetIds = [...new Set(all.map((t) => t.toolset))];
  const names = new Set<string>([...all.map((t) => t.name), ...DISCOVERY_TOOLS]);
  const wanted = selection.toolsets.length ? selection.toolsets : ["default"];

  const unknownSets = wanted.filter((id) => !PROFILES.includes(id) && !toolsetIds.includes(id));
  if (unknownSets.length) {
    throw new SelectionError(`unknown toolset(s) ${unknownSets.join(", ")}. Valid toolsets: ${[...PROFILES, ...toolsetIds].join(", ")}`);
  }
  const unknownTools = [...selection.tools, ...selection.excludeTools].filter((n) => !names.has(n));
  if (unknownTools.length) {
    throw new SelectionError(`unknown tool(s) ${unknownTools.join(", ")}. Run \`zoom-mcp tools --toolsets all\` to list the tool names.`);
  }

  const excluded = new Set(selection.excludeTools);
  const allowed = (t: ToolSpec) => !excluded.has(t.name) && (!selection.readOnly || annotationsFor(t).readOnlyHint);
  const chosenSets = new Set(wanted.includes("all") ? toolsetIds : wanted);
  const chosenNames = new Set([...selection.tools, ...(wanted.includes("default") ? DEFAULT_PROFILE : [])]);
  const withDiscovery = wanted.includes("default") || wanted.includes("discovery");

  return {
    tools: all.filter((t) => (chosenSets.has(t.toolset) || chosenNames.has(t.name)) && allowed(t)),
    // call_zoom_tool refuses writes in read-only mode, so it stays: read-only mode makes it read-only.
    discovery: DISCOVERY_TOOLS.filter((n) => (withDiscovery || chosenNames.has(n)) && !excluded.has(n)),
    callable: all.filter(allowed),
  };
}
