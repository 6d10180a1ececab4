/**
 * The catalog loader: reads the generated JSON (one file per toolset, listed in toolsets.json) and
 * turns it into one Catalog value, which the CLI passes to the server, discovery, the executor and
 * the sandbox. Nothing here is module state: each call reads and builds afresh.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { ToolSpec } from "../tools/define.js";
import { paramNames } from "../tools/params.js";

/** One catalog entry as stored, with where it came from and, when we differ from Zoom's spec, why. */
export type CatalogEntry = ToolSpec & { readonly source: string; readonly override?: string };

export interface CatalogFile {
  readonly generated: string;
  readonly toolset: string;
  readonly tools: readonly CatalogEntry[];
}

export interface Catalog {
  /** Every catalog tool, toolset by toolset, each in catalog order. */
  readonly tools: readonly ToolSpec[];
  /** Catalog toolset ids in catalog order. */
  readonly toolsets: readonly string[];
  /**
   * The extended set and the master-account set (`set` says which): Zoom's current operations beyond
   * the catalog, off by default. Read from src/catalog/extended on first use; each toolset's schemas
   * are read when one of its tools is first described, listed or called.
   */
  readonly extended: readonly ToolSpec[];
  /** The extended toolsets: id -> which set, what it covers, how many tools. Read on first use. */
  readonly extendedToolsets: ReadonlyMap<string, ExtendedToolset>;
  /** One extended toolset's tools, read in full without the index (the default profile lists a few). Empty for an unknown id. */
  extendedToolset(id: string): readonly ToolSpec[];
  /** The tool with this name or one of its earlier names (aliases), if any, extended ones included. */
  tool(name: string): ToolSpec | undefined;
  /** The current name for a name or an alias; undefined when neither is known. */
  canonicalName(name: string): string | undefined;
}

export type ToolSetKind = "extended" | "master_account";

export interface ExtendedToolset {
  readonly set: ToolSetKind;
  readonly description: string;
  readonly tools: number;
}

/** Where the catalog JSON sits: next to this module, in src/catalog and (copied by the build) in dist/catalog. */
export const CATALOG_DIR = new URL("./", import.meta.url);

/** The stored files, in catalog order: for scripts that read the catalog as it is on disk. */
export function readCatalogFiles(dir: URL = CATALOG_DIR): CatalogFile[] {
  const index = JSON.parse(readFileSync(new URL("toolsets.json", dir), "utf8")) as { toolsets: string[] };
  return index.toolsets.map((id) => JSON.parse(readFileSync(new URL(`${id}.json`, dir), "utf8")) as CatalogFile);
}

interface ExtendedIndex {
  readonly toolsets: Record<string, ExtendedToolset>;
  /** Each tool without its schemas, with its input field names (for search). */
  readonly tools: readonly (Omit<CatalogEntry, (typeof DEFERRED)[number]> & { readonly params: readonly string[] })[];
}

/** The extended set's stored files, every tool with its schemas: for scripts and tests that read them all. */
export function readExtendedFiles(dir: URL = CATALOG_DIR): CatalogFile[] {
  const index = JSON.parse(readFileSync(new URL("extended/index.json", dir), "utf8")) as ExtendedIndex;
  return Object.keys(index.toolsets).map((id) => JSON.parse(readFileSync(new URL(`extended/${id}.json`, dir), "utf8")) as CatalogFile);
}

/**
 * The start index, written by the build next to the toolset files in dist/catalog: every catalog tool
 * as a start needs it (facts, description, listed schema, input field names for search), minified, and
 * without what only a call or describe_zoom_tool needs (the validating schema, the source and override
 * notes), about half of the catalog's bytes. The toolset files stay the reviewable snapshot.
 */
export const START_INDEX = "start-index.json";

/** What a start-index entry leaves to its toolset's file, read when one of these is first asked for. */
const AT_FIRST_USE = ["inputSchema", "source", "override"] as const;

/** A start-index entry: the listed schema is kept as JSON text, and parsed only when something reads `listedSchema`. */
type StartEntry = Omit<CatalogEntry, (typeof AT_FIRST_USE)[number] | "listedSchema"> & { readonly params: readonly string[] };

interface StartIndex {
  readonly toolsets: readonly string[];
  readonly tools: readonly StartEntry[];
}

/** Writes the start index of the toolset files in `from` into `to` (the build does, for dist/catalog). */
export function writeStartIndex(from: URL, to: URL): void {
  const files = readCatalogFiles(from);
  const index: StartIndex = {
    toolsets: files.map((file) => file.toolset),
    tools: files.flatMap((file) =>
      file.tools.map((tool) => {
        const { inputSchema, source: _source, override: _override, listedSchema, ...rest } = tool;
        return { ...rest, ...(listedSchema ? { listedSchemaText: JSON.stringify(listedSchema) } : {}), params: paramNames(inputSchema) };
      }),
    ),
  };
  writeFileSync(new URL(START_INDEX, to), JSON.stringify(index));
}

/**
 * The catalog tools: from the start index when the build wrote one (each tool's validating schema then
 * comes from its toolset's file on first use), else from the toolset files whole (src/, as tests run it).
 */
function catalogTools(dir: URL): ToolSpec[] {
  const url = new URL(START_INDEX, dir);
  if (!existsSync(url)) return readCatalogFiles(dir).flatMap((file) => file.tools);
  const index = JSON.parse(readFileSync(url, "utf8")) as StartIndex;
  const fileOf = toolsetFiles(dir, false);
  const entryOf = (toolset: string, name: string): CatalogEntry => {
    const entry = fileOf(`${toolset}.json`).get(name);
    if (!entry) throw new Error(`catalog: ${START_INDEX} lists ${name}, which ${toolset}.json does not have; rebuild (npm run build)`);
    return entry;
  };
  return index.tools.map((stub) => {
    const tool = deferred(stub, AT_FIRST_USE, () => entryOf(stub.toolset, stub.name));
    const text = stub.listedSchemaText;
    if (text !== undefined) {
      let parsed: ToolSpec["listedSchema"];
      Object.defineProperty(tool, "listedSchema", { get: () => (parsed ??= JSON.parse(text) as ToolSpec["listedSchema"]), enumerable: true });
    }
    return tool;
  });
}

/**
 * Reads the catalog from disk; the CLI calls it once. The extended index is read on first use, and
 * an extended toolset's file when one of its tools' schemas is first needed (most sessions never
 * touch them, and start-up stays as fast as with the catalog alone).
 */
export function loadCatalog(dir: URL = CATALOG_DIR): Catalog {
  const extendedFile = toolsetFiles(dir, true);
  // An id that is no toolset's (it comes from a request) names no file.
  const fileOf = (toolset: string): ReadonlyMap<string, CatalogEntry> => (/^[a-z0-9_]+$/.test(toolset) ? extendedFile(`extended/${toolset}.json`) : NO_TOOLS);
  const schemasOf = (toolset: string, name: string): CatalogEntry => fileOf(toolset).get(name)!;
  let index: { tools: ToolSpec[]; toolsets: Map<string, ExtendedToolset> } | undefined;
  const extended = () => {
    if (!index) {
      const url = new URL("extended/index.json", dir);
      const read: ExtendedIndex = existsSync(url) ? (JSON.parse(readFileSync(url, "utf8")) as ExtendedIndex) : { toolsets: {}, tools: [] };
      index = { tools: read.tools.map((stub) => deferred(stub, DEFERRED, () => schemasOf(stub.toolset, stub.name))), toolsets: new Map(Object.entries(read.toolsets)) };
    }
    return index;
  };
  return createCatalog(catalogTools(dir), {
    tools: () => extended().tools,
    toolsets: () => extended().toolsets,
    toolset: (id) => [...fileOf(id).values()],
  });
}

const NO_TOOLS: ReadonlyMap<string, CatalogEntry> = new Map();

/**
 * Toolset files, each read once on first use, as name -> entry. `path` names a file in `dir`; when
 * `optional`, a file that is not there reads as no tools.
 */
function toolsetFiles(dir: URL, optional: boolean): (path: string) => ReadonlyMap<string, CatalogEntry> {
  const files = new Map<string, ReadonlyMap<string, CatalogEntry>>();
  return (path) => {
    let file = files.get(path);
    if (!file) {
      const url = new URL(path, dir);
      const read = optional && !existsSync(url) ? { tools: [] } : (JSON.parse(readFileSync(url, "utf8")) as CatalogFile);
      files.set(path, (file = new Map(read.tools.map((t) => [t.name, t]))));
    }
    return file;
  };
}

/** What an extended tool's index entry leaves to its toolset's file. */
const DEFERRED = ["pathParams", "queryParams", "bodyParams", "bodyEncoding", "upload", "inputSchema", "listedSchema", "source", "override"] as const;

/** A tool whose `keys` are read from its full entry when first asked for. `params` (the input field names) serves search without them. */
function deferred(stub: { readonly params: readonly string[] }, keys: readonly (keyof CatalogEntry)[], full: () => CatalogEntry): ToolSpec {
  // The stub was just parsed and nothing else holds it: it becomes the tool in place (a copy of every index entry costs a start about 1 ms).
  const tool = stub as unknown as Record<string, unknown>;
  tool.searchParams = stub.params;
  delete tool.params;
  for (const key of keys) Object.defineProperty(tool, key, { get: () => full()[key], enumerable: true });
  return tool as unknown as ToolSpec;
}

/** Where a Catalog finds the extended tools; each is asked only when first needed. */
export interface ExtendedTools {
  readonly tools: () => readonly ToolSpec[];
  readonly toolsets?: () => ReadonlyMap<string, ExtendedToolset>;
  readonly toolset?: (id: string) => readonly ToolSpec[];
}

/** A Catalog over the given tools (names must be unique). Tests build small ones from their own tools; `extended` defaults to none. */
export function createCatalog(tools: readonly ToolSpec[], extended: ExtendedTools = { tools: () => [] }): Catalog {
  const core = lookup(tools);
  let more: { tools: readonly ToolSpec[]; find: (name: string) => ToolSpec | undefined; toolsets: ReadonlyMap<string, ExtendedToolset> } | undefined;
  const ext = () => {
    if (!more) {
      const list = extended.tools();
      const find = lookup([...tools, ...list]);
      more = { tools: list, find, toolsets: extended.toolsets?.() ?? summarise(list) };
    }
    return more;
  };
  const tool = (name: string) => core(name) ?? ext().find(name);
  return {
    tools,
    toolsets: [...new Set(tools.map((t) => t.toolset))],
    get extended() {
      return ext().tools;
    },
    get extendedToolsets() {
      return ext().toolsets;
    },
    extendedToolset: (id) => (extended.toolset ? extended.toolset(id) : ext().tools.filter((t) => t.toolset === id)),
    tool,
    canonicalName: (name) => tool(name)?.name,
  };
}

/** Name and alias lookup over tools whose names are unique; aliases never shadow a current name. */
function lookup(tools: readonly ToolSpec[]): (name: string) => ToolSpec | undefined {
  const byName = new Map<string, ToolSpec>();
  for (const tool of tools) {
    if (byName.has(tool.name)) throw new Error(`catalog: two tools are named ${tool.name}`);
    byName.set(tool.name, tool);
  }
  const byAlias = new Map<string, ToolSpec>();
  for (const tool of tools) for (const alias of tool.aliases ?? []) if (!byName.has(alias)) byAlias.set(alias, tool);
  return (name) => byName.get(name) ?? byAlias.get(name);
}

function summarise(tools: readonly ToolSpec[]): Map<string, ExtendedToolset> {
  const out = new Map<string, ExtendedToolset>();
  for (const t of tools) {
    const seen = out.get(t.toolset);
    out.set(t.toolset, { set: t.set ?? "extended", description: seen?.description ?? t.toolset, tools: (seen?.tools ?? 0) + 1 });
  }
  return out;
}
