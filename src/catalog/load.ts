/**
 * The catalog loader: reads the generated JSON (one file per toolset, listed in toolsets.json) and
 * turns it into one Catalog value, which the CLI passes to the server, discovery, the executor and
 * the sandbox. Nothing here is module state: each call reads and builds afresh.
 */
import { readFileSync } from "node:fs";
import type { ToolSpec } from "../tools/define.js";

/** One catalog entry as stored, with where it came from and, when we differ from Zoom's spec, why. */
export type CatalogEntry = ToolSpec & { readonly source: string; readonly override?: string };

export interface CatalogFile {
  readonly generated: string;
  readonly toolset: string;
  readonly tools: readonly CatalogEntry[];
}

export interface Catalog {
  /** Every tool, toolset by toolset, each in catalog order. */
  readonly tools: readonly ToolSpec[];
  /** Toolset ids in catalog order. */
  readonly toolsets: readonly string[];
  /** The tool with this name or one of its earlier names (aliases), if any. */
  tool(name: string): ToolSpec | undefined;
  /** The current name for a name or an alias; undefined when neither is known. */
  canonicalName(name: string): string | undefined;
}

/** Where the catalog JSON sits: next to this module, in src/catalog and (copied by the build) in dist/catalog. */
export const CATALOG_DIR = new URL("./", import.meta.url);

/** The stored files, in catalog order: for scripts that read the catalog as it is on disk. */
export function readCatalogFiles(dir: URL = CATALOG_DIR): CatalogFile[] {
  const index = JSON.parse(readFileSync(new URL("toolsets.json", dir), "utf8")) as { toolsets: string[] };
  return index.toolsets.map((id) => JSON.parse(readFileSync(new URL(`${id}.json`, dir), "utf8")) as CatalogFile);
}

/** Reads the catalog from disk. The only I/O the catalog needs; the CLI calls it once. */
export function loadCatalog(dir: URL = CATALOG_DIR): Catalog {
  return createCatalog(readCatalogFiles(dir).flatMap((file) => file.tools));
}

/** A Catalog over the given tools (names must be unique). Tests build small ones from their own tools. */
export function createCatalog(tools: readonly ToolSpec[]): Catalog {
  const byName = new Map<string, ToolSpec>();
  for (const tool of tools) {
    if (byName.has(tool.name)) throw new Error(`catalog: two tools are named ${tool.name}`);
    byName.set(tool.name, tool);
  }
  // Aliases never shadow a current name.
  const byAlias = new Map<string, ToolSpec>();
  for (const tool of tools) for (const alias of tool.aliases ?? []) if (!byName.has(alias)) byAlias.set(alias, tool);
  const tool = (name: string) => byName.get(name) ?? byAlias.get(name);
  return {
    tools,
    toolsets: [...new Set(tools.map((t) => t.toolset))],
    tool,
    canonicalName: (name) => tool(name)?.name,
  };
}
