/**
 * What describe_zoom_tool shows of a schema, and the "did you mean" suggestions of describe and
 * call. A schema is shown one level at a time: the fields of the object asked for in full, with
 * their full descriptions, and any object below them summarised as its key names, so that
 * `update_account_settings` costs a few hundred tokens instead of twenty thousand. A `path` such as
 * "settings" or "settings.approved_or_denied_countries_or_regions" opens one of those objects.
 */
import type { JsonSchema } from "./define.js";

type Node = JsonSchema & { properties?: Record<string, Node>; items?: Node; required?: string[]; anyOf?: Node[] };

/** The object schema a node holds: itself, its array items, or an object branch of anyOf. */
function objectIn(node: Node): Node | undefined {
  if (node.properties) return node;
  if (node.items) return objectIn(node.items);
  return node.anyOf?.map(objectIn).find(Boolean);
}

/** A node whose nested fields are replaced by their names. */
function summarised(node: Node): Node {
  const inner = objectIn(node);
  if (!inner) return node;
  const keys = Object.keys(inner.properties ?? {});
  const { properties: _p, required, additionalProperties: _a, ...rest } = inner;
  const summary: Node = { ...rest, keys, ...(required?.length ? { required } : {}) };
  if (inner === node) return summary;
  if (node.items && objectIn(node.items) === inner) {
    const { items: _i, ...array } = node;
    return { ...array, items: summary };
  }
  const { anyOf: _o, ...other } = node;
  return { ...other, ...summary };
}

/** One level of an object schema: its fields in full, the objects inside them as key lists. */
export function oneLevel(schema: JsonSchema): JsonSchema {
  const node = objectIn(schema as Node) ?? (schema as Node);
  if (!node.properties) return node;
  const properties = Object.fromEntries(Object.entries(node.properties).map(([k, v]) => [k, summarised(v)]));
  return { ...node, properties };
}

export type PathLookup = { readonly ok: true; readonly schema: JsonSchema } | { readonly ok: false; readonly message: string };

/** The sub-schema at a dotted path through objects (and arrays of objects). */
export function schemaAt(schema: JsonSchema, path: string): PathLookup {
  let node = schema as Node;
  const walked: string[] = [];
  for (const part of path.split(".").filter(Boolean)) {
    const inner = objectIn(node);
    const fields = Object.keys(inner?.properties ?? {});
    const next = inner?.properties?.[part];
    if (!next) {
      const where = walked.length ? `${walked.join(".")} has` : "the tool has";
      const guess = closest(part, fields);
      return {
        ok: false,
        message: fields.length
          ? `No field ${JSON.stringify(part)} there: ${where} ${fields.map((f) => JSON.stringify(f)).join(", ")}.${guess.length ? ` Did you mean ${guess.map((g) => JSON.stringify(g)).join(" or ")}?` : ""}`
          : `${walked.join(".")} is not an object, so it has no field ${JSON.stringify(part)}.`,
      };
    }
    walked.push(part);
    node = next;
  }
  return { ok: true, schema: node };
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");

/**
 * The candidates closest to a misspelt or half-remembered name, best first: a small edit distance
 * (case, underscores and camelCase ignored), or every word of the name found in the candidate.
 */
export function closest(name: string, candidates: readonly string[], limit = 3): string[] {
  const wanted = norm(name);
  const words = name.toLowerCase().split(/[^a-z0-9]+|(?=[A-Z])/).filter((w) => w.length > 1);
  const scored = candidates
    .map((c) => {
      const d = distance(wanted, norm(c));
      const ratio = d / Math.max(wanted.length, norm(c).length, 1);
      const cover = words.length ? words.filter((w) => c.toLowerCase().includes(w)).length / words.length : 0;
      return { c, score: Math.min(ratio, 1 - cover * 0.7) };
    })
    .filter((s) => s.score <= 0.4)
    .sort((a, b) => a.score - b.score || a.c.length - b.c.length);
  return scored.slice(0, limit).map((s) => s.c);
}
