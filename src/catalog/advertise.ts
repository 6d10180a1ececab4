/**
 * The one function that turns a tool's full input schema (the validating one, in the catalog) into
 * the schema tools/list advertises. Every listing rule lives here, so portability rules for
 * particular clients have one place to go.
 */
import type { JsonSchema } from "../tools/define.js";
import { PATTERNS } from "./patterns.js";

/** The advertised form of a full input schema. The full one stays available through describe_zoom_tool. */
export function advertisedSchema(full: JsonSchema): JsonSchema {
  return strip(full) as JsonSchema;
}

function strip(node: unknown, key?: string): unknown {
  if (Array.isArray(node)) return node.map((n) => strip(n));
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    // The path-segment guard uses lookaheads, which not every client's regex engine takes; the server enforces it.
    if (key !== "properties" && k === "pattern" && v === PATTERNS.pathId.pattern) continue;
    out[k] = strip(v, k);
  }
  return out;
}
