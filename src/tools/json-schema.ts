import { z } from "zod";

const SAFE_INT_MIN = Number.MIN_SAFE_INTEGER;
const SAFE_INT_MAX = Number.MAX_SAFE_INTEGER;

/**
 * The JSON Schema clients see for a tool's input: zod's own conversion (`z.toJSONSchema`), minus
 * `$schema` and the safe-integer bounds zod adds to every integer, which only cost tokens.
 */
export function toInputJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  delete json.$schema;
  return prune(json) as Record<string, unknown>;
}

function prune(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(prune);
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "minimum" && value === SAFE_INT_MIN) continue;
    if (key === "maximum" && value === SAFE_INT_MAX) continue;
    out[key] = prune(value);
  }
  return out;
}
