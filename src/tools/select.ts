/**
 * Which tools a configuration serves. One rule: start from the chosen toolsets (and profiles), add
 * single tools, then remove exclusions; read-only mode finally drops every tool that is not
 * read-only. Discovery (`search_zoom_tools`, `describe_zoom_tool`, `call_zoom_tool`) reaches every
 * tool that survives the exclusions and read-only mode, served directly or not.
 */
import { annotationsFor, type ToolSpec } from "./define.js";
import DEFAULT_PROFILE_DATA from "./default-profile.json" with { type: "json" };

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
  /** Listed tools advertised with a compact schema: name -> the input fields kept. */
  readonly compact: ReadonlyMap<string, readonly string[]>;
}

export class SelectionError extends Error {
  override name = "SelectionError";
}

export const DISCOVERY_TOOLS = ["search_zoom_tools", "describe_zoom_tool", "call_zoom_tool"] as const;

interface ProfileEntry {
  readonly name: string;
  /** For a tool of the extended set: its toolset, whose file alone is read for it. */
  readonly toolset?: string;
  /** Input fields a compact listing keeps; absent means the full schema. */
  readonly fields?: readonly string[];
}

/**
 * The default profile (src/tools/default-profile.json): the tools that serve the everyday jobs of
 * the task fixture within 30 tools and 8,000 tokens, plus discovery for all the others.
 */
const PROFILE = (DEFAULT_PROFILE_DATA as { tools: ProfileEntry[] }).tools;
export const DEFAULT_PROFILE: readonly string[] = PROFILE.map((e) => e.name);
/** Tool name -> the input fields its compact listing keeps. */
export const COMPACT_FIELDS: ReadonlyMap<string, readonly string[]> = new Map(PROFILE.filter((e) => e.fields).map((e) => [e.name, e.fields!]));

const PROFILES = ["all", "default", "discovery"];
/** The opt-in sets beyond the catalog: `extended` (Zoom's other current operations) and `master_account`. */
export const SETS = ["extended", "master_account"] as const;

/** What selection needs of the opt-in sets, read only when a selection or discovery asks for them. */
export interface ExtendedSource {
  readonly tools: readonly ToolSpec[];
  readonly toolsets: ReadonlyMap<string, { readonly set: string }>;
}

/** How selection reaches the opt-in sets: all of them (their index), or one toolset's file. */
export interface ExtendedAccess {
  readonly all: () => ExtendedSource;
  readonly toolset: (id: string) => readonly ToolSpec[];
}

/** The access for a catalog value (src/catalog/load.ts). */
export function extendedAccess(catalog: {
  readonly extended: readonly ToolSpec[];
  readonly extendedToolsets: ReadonlyMap<string, { readonly set: string }>;
  extendedToolset(id: string): readonly ToolSpec[];
}): ExtendedAccess {
  return { all: () => ({ tools: catalog.extended, toolsets: catalog.extendedToolsets }), toolset: (id) => catalog.extendedToolset(id) };
}

const NO_EXTENDED: ExtendedAccess = { all: () => ({ tools: [], toolsets: new Map() }), toolset: () => [] };

/**
 * `all` is every catalog toolset; `extended` and `master_account` add the opt-in sets, as do their
 * toolset ids and tool names. Discovery always reaches the extended set (after exclusions and
 * read-only mode), and the master-account set once any of it is chosen.
 */
export function selectTools(all: readonly ToolSpec[], selection: Selection, extended: ExtendedAccess = NO_EXTENDED): Served {
  const toolsetIds = [...new Set(all.map((t) => t.toolset))];
  // Earlier names (aliases) choose and exclude the tool they now name.
  const canonical = new Map<string, string>([...DISCOVERY_TOOLS, ...all.map((t) => t.name)].map((n) => [n, n]));
  for (const t of all) for (const alias of t.aliases ?? []) if (!canonical.has(alias)) canonical.set(alias, t.name);
  const wanted = selection.toolsets.length ? selection.toolsets : ["default"];
  const mentioned = [...selection.tools, ...selection.excludeTools];
  // The extended index is read only when the selection names something beyond the catalog.
  const needsExtended = wanted.some((id) => !PROFILES.includes(id) && !toolsetIds.includes(id)) || mentioned.some((n) => !canonical.has(n));
  const ext = needsExtended ? extended.all() : undefined;
  if (ext) {
    for (const t of ext.tools) if (!canonical.has(t.name)) canonical.set(t.name, t.name);
    for (const t of ext.tools) for (const alias of t.aliases ?? []) if (!canonical.has(alias)) canonical.set(alias, t.name);
  }
  const extIds = ext ? [...ext.toolsets.keys()] : [];

  const unknownSets = wanted.filter((id) => !PROFILES.includes(id) && !(SETS as readonly string[]).includes(id) && !toolsetIds.includes(id) && !extIds.includes(id));
  if (unknownSets.length) {
    throw new SelectionError(`unknown toolset(s) ${unknownSets.join(", ")}. Valid toolsets: ${[...PROFILES, ...toolsetIds, ...SETS].join(", ")}, or an extended toolset id (\`zoom-mcp tools --toolsets extended\` lists them).`);
  }
  const unknownTools = mentioned.filter((n) => !canonical.has(n));
  if (unknownTools.length) {
    throw new SelectionError(`unknown tool(s) ${unknownTools.join(", ")}. Run \`zoom-mcp tools --toolsets all\` (or --toolsets extended) to list the tool names.`);
  }

  const excluded = new Set(selection.excludeTools.map((n) => canonical.get(n)!));
  const allowed = (t: ToolSpec) => !excluded.has(t.name) && (!selection.readOnly || annotationsFor(t).readOnlyHint);
  const chosenSets = new Set(wanted.includes("all") ? toolsetIds : wanted);
  const chosenNames = new Set([...selection.tools, ...(wanted.includes("default") ? DEFAULT_PROFILE : [])].map((n) => canonical.get(n) ?? n));
  const chosenByName = new Set(selection.tools.map((n) => canonical.get(n) ?? n));
  const withDiscovery = wanted.includes("default") || wanted.includes("discovery");
  const chosen = (t: ToolSpec) => chosenSets.has(t.toolset) || chosenNames.has(t.name) || (t.set !== undefined && chosenSets.has(t.set));

  // The default profile's extended tools come from their toolsets' files; the index stays unread.
  const profileExtended = wanted.includes("default") && !ext ? PROFILE.filter((e) => e.toolset).flatMap((e) => extended.toolset(e.toolset!).filter((t) => t.name === e.name)) : [];
  const extTools = ext?.tools ?? profileExtended;
  const tools = [...all, ...extTools].filter((t) => chosen(t) && allowed(t));
  // A tool listed only because of the default profile is compact; asked for by toolset or by name, it is listed in full.
  const compact = new Map(
    wanted.includes("default")
      ? tools.filter((t) => COMPACT_FIELDS.has(t.name) && !chosenSets.has(t.toolset) && !chosenByName.has(t.name)).map((t) => [t.name, COMPACT_FIELDS.get(t.name)!] as const)
      : [],
  );
  const masterChosen = tools.some((t) => t.set === "master_account") || chosenSets.has("master_account");
  let callable: ToolSpec[] | undefined;
  return {
    tools,
    compact,
    // call_zoom_tool refuses writes in read-only mode, so it stays: read-only mode makes it read-only.
    discovery: DISCOVERY_TOOLS.filter((n) => (withDiscovery || chosenNames.has(n)) && !excluded.has(n)),
    // Read when discovery first needs it: the extended index is not read at start.
    get callable() {
      callable ??= [...all, ...(ext ?? extended.all()).tools.filter((t) => t.set !== "master_account" || masterChosen || chosen(t))].filter(allowed);
      return callable;
    },
  };
}
