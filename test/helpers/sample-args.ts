/**
 * Valid arguments for a tool, built from its full input JSON Schema (the validating one in the
 * catalog): every constraint our validation enforces, including the formats the advertised schema
 * leaves out. Two sets per tool: the required fields only, and every field.
 *
 * Values are deterministic. A pattern is satisfied with fast-check's `stringMatching`, sampled with
 * a fixed seed, so a run is reproducible.
 */
import fc from "fast-check";

type Schema = Record<string, any>;

export type Fill = "required" | "every";

/** Formats our validation checks, with one valid value each. */
const FORMAT_SAMPLES: Record<string, string> = {
  email: "jill@example.com",
  uri: "https://example.com/page",
  url: "https://example.com/page",
  date: "2026-03-15",
  "date-time": "2026-03-15T10:00:00Z",
  // Zoom documents its `time` fields as hh:mm.
  time: "09:30",
};

function fromPattern(pattern: string, minLength = 0, maxLength = Infinity): string {
  const re = new RegExp(pattern, "u");
  const samples = fc.sample(fc.stringMatching(re, { size: "xsmall" }), { seed: 42, numRuns: 40 });
  return samples.find((s) => s.length >= minLength && s.length <= maxLength && s.length > 0) ?? samples[0] ?? "";
}

function stringValue(schema: Schema, name: string): string {
  if (schema.format && FORMAT_SAMPLES[schema.format]) return FORMAT_SAMPLES[schema.format]!;
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? Infinity;
  if (schema.pattern) {
    // A pure path-segment guard allows almost anything: a readable word satisfies it.
    const word = `${name.replace(/[^A-Za-z0-9]/g, "") || "x"}1`;
    if (new RegExp(schema.pattern, "u").test(word) && word.length >= min && word.length <= max) return word;
    return fromPattern(schema.pattern, min, max);
  }
  const word = "sample";
  if (word.length < min) return word.padEnd(min, "x");
  return word.slice(0, Math.max(1, Math.min(word.length, max)));
}

export function sampleValue(schema: Schema, name: string, fill: Fill): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum.find((v: unknown) => v !== null) ?? schema.enum[0];
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) {
    // Prefer the integer form of an ID (what Zoom returns), else the first branch.
    const branch = branches.find((b: Schema) => b.type === "integer") ?? branches[0];
    return sampleValue({ ...branch, description: undefined }, name, fill);
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== "null") : schema.type;
  switch (type) {
    case "string":
      return stringValue(schema, name);
    case "integer":
    case "number": {
      const low = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : undefined);
      const high = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : undefined);
      if (low !== undefined) return low;
      if (high !== undefined) return Math.min(1, high);
      return 1;
    }
    case "boolean":
      return true;
    case "array": {
      const count = Math.max(1, schema.minItems ?? 1);
      const items = schema.items ?? { type: "string" };
      const values = Array.from({ length: count }, () => sampleValue(items, name, fill));
      // uniqueItems with enum items: take distinct members.
      if (schema.uniqueItems && items.enum) return items.enum.slice(0, count);
      return values;
    }
    case "object":
      return sampleObject(schema, fill);
    default:
      return "sample";
  }
}

/** Arguments for an object schema: its required keys, or every key. Control arguments are left out. */
export function sampleObject(schema: Schema, fill: Fill, skip: ReadonlySet<string> = new Set()): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const required = new Set<string>(schema.required ?? []);
  for (const [key, sub] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
    if (skip.has(key)) continue;
    if (fill === "every" || required.has(key)) out[key] = sampleValue(sub, key, fill);
  }
  return out;
}
