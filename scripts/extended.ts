/**
 * The extended set: every operation of Zoom's current specs (`*-current.json`) that no catalog entry
 * maps to. The standard files give the `extended` toolsets (one per file and tag, ids from the rule
 * below or scripts/extended-toolsets.json); the master-account (`-ma-`) files give the
 * `master_account_*` toolsets. Both are off by default.
 *
 * Toolset id rule: the tag in snake_case, prefixed with the product where the tag alone is vague
 * (`phone_`, `rooms_`, `chat_`); `_extended` is appended when the id is already a catalog toolset.
 * The override table moves single operations (transcripts) and fixes a few ids.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CatalogEntry, Json, SpecReader } from "./spec.js";

export type ToolSetKind = "extended" | "master_account";

export interface ExtendedEntry extends CatalogEntry {
  readonly set: ToolSetKind;
  readonly toolset: string;
  /** For a master-account operation: the method and path of the same operation on one's own account, when there is one. */
  readonly twin?: string;
}

interface Rules {
  readonly prefix: Record<string, string>;
  readonly ids: Record<string, string>;
  readonly operations: Record<string, string>;
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const EXTENDED_RULES = JSON.parse(readFileSync(join(ROOT, "scripts", "extended-toolsets.json"), "utf8")) as Rules;

const METHODS = ["get", "post", "put", "patch", "delete"];
const slug = (text: string) =>
  text
    .replace("(Account-level)", "account")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");

/** The extended and master-account entries, in spec-file order, each operation once. */
export function extendedEntries(reader: SpecReader, dir: string, catalogToolsets: ReadonlySet<string>): ExtendedEntry[] {
  const inCatalog = new Set<string>();
  for (const entry of reader.catalog()) {
    const c = entry.current_2026;
    if (c) inCatalog.add(`${c.method.toUpperCase()} ${c.path}`);
  }
  const files = readdirSync(dir)
    .filter((f) => f.endsWith("-current.json"))
    .sort((a, b) => Number(a.includes("-ma-")) - Number(b.includes("-ma-")) || a.localeCompare(b));
  const seen = new Set<string>();
  const out: ExtendedEntry[] = [];
  for (const file of files) {
    const master = file.includes("-ma-");
    const product = file.replace(/(-ma)?-current\.json$/, "");
    const spec = reader.load(file);
    for (const [path, item] of Object.entries(spec.paths as Json)) {
      for (const method of METHODS) {
        const op = (item as Json)[method] as Json | undefined;
        if (!op) continue;
        const key = `${method.toUpperCase()} ${path}`;
        if (inCatalog.has(key) || seen.has(key)) continue;
        seen.add(key);
        const tag = String((op.tags as string[] | undefined)?.[0] ?? product);
        const toolset = master ? `master_account_${slug(product)}` : toolsetFor(file, product, tag, key, catalogToolsets);
        const twinPath = master ? path.replace(/^\/accounts\/\{[^}]+\}(?=\/)/, "") : undefined;
        out.push({
          section: tag,
          title: String(op.summary ?? key).trim(),
          catalog_method: null,
          legacy_2021: { method: method.toUpperCase(), path, operationId: String(op.operationId ?? key) },
          current_2026: { file, method: method.toUpperCase(), path, operationId: String(op.operationId ?? key) },
          set: master ? "master_account" : "extended",
          toolset,
          ...(twinPath && twinPath !== path ? { twin: `${method.toUpperCase()} ${twinPath}` } : {}),
        });
      }
    }
  }
  return out;
}

function toolsetFor(file: string, product: string, tag: string, key: string, catalogToolsets: ReadonlySet<string>): string {
  const moved = EXTENDED_RULES.operations[key];
  if (moved) return moved;
  const fixed = EXTENDED_RULES.ids[`${file}#${tag}`];
  if (fixed) return fixed;
  const prefix = EXTENDED_RULES.prefix[product] ?? "";
  let id = slug(tag).replace(/^zoom_/, "");
  if (prefix && id !== prefix.slice(0, -1) && !id.startsWith(prefix)) id = `${prefix}${id}`;
  return catalogToolsets.has(id) ? `${id}_extended` : id;
}
