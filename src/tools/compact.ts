/**
 * Compact listings: a tool advertised with only its common input fields, so a small tools/list can
 * carry the big write tools. Only the advertised schema shrinks: the tool is still the full tool,
 * validated by its own schema, so it takes every field and sends exactly what the full tool sends.
 */

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; required?: string[]; items?: JsonSchema };

export class CompactError extends Error {
  override name = "CompactError";
}

/**
 * The full schema cut down to the given fields: top-level names ("topic") or dotted paths into
 * nested objects ("settings.waiting_room"). Every field the full tool requires must be kept.
 */
export function compactSchema(tool: string, full: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const root = full as JsonSchema;
  const missing = (root.required ?? []).filter((r) => !fields.some((f) => f === r || f.startsWith(`${r}.`)));
  if (missing.length) throw new CompactError(`compact listing of ${tool} leaves out required field(s) ${missing.join(", ")}`);
  return briefNested(pick(tool, root, fields.map((f) => f.split(".")), ""), 0);
}

/** The first sentence of a text (up to the first ". "), for nested field descriptions. */
export function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/);
  return end > 0 ? text.slice(0, end + 1) : text;
}

/** Top-level fields keep their whole description; nested ones keep its first sentence (describe_zoom_tool has the rest). */
function briefNested(node: JsonSchema, depth: number): JsonSchema {
  const out: JsonSchema = { ...node };
  if (depth > 1 && typeof out.description === "string") out.description = firstSentence(out.description);
  if (out.properties) out.properties = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k, briefNested(v, depth + 1)]));
  if (out.items) out.items = briefNested(out.items, depth);
  return out;
}

function pick(tool: string, node: JsonSchema, paths: string[][], at: string): JsonSchema {
  const target = objectOf(node);
  const properties: Record<string, JsonSchema> = {};
  const groups = new Map<string, string[][]>();
  for (const [head, ...rest] of paths) {
    const child = target.properties?.[head!];
    if (!child) throw new CompactError(`compact listing of ${tool}: no field ${at}${head}`);
    if (!groups.has(head!)) groups.set(head!, []);
    if (rest.length) groups.get(head!)!.push(rest);
  }
  for (const [name, rest] of groups) {
    const child = target.properties![name]!;
    properties[name] = rest.length ? withObject(child, pick(tool, child, rest, `${at}${name}.`)) : child;
  }
  const { properties: _p, required, ...keep } = target;
  const kept = (required ?? []).filter((r) => r in properties);
  return { ...keep, properties, ...(kept.length ? { required: kept } : {}) } as JsonSchema;
}

/** The object schema inside a node: the node itself, or the items of an array of objects. */
function objectOf(node: JsonSchema): JsonSchema {
  if (node.properties) return node;
  if (node.items?.properties) return node.items;
  throw new CompactError(`not an object schema: ${JSON.stringify(node).slice(0, 80)}`);
}

function withObject(node: JsonSchema, picked: JsonSchema): JsonSchema {
  return node.properties ? picked : { ...node, items: picked };
}

/** What a compact tool's description adds: how to reach the fields it does not list. */
export function compactDescription(tool: { readonly name: string; readonly description: string }): string {
  return `${firstSentence(tool.description.split("\n")[0]!)} Common fields only: describe_zoom_tool shows the rest, which this tool and call_zoom_tool take.`;
}
