/** The smallest valid arguments for a tool, built from its input JSON Schema: required fields only. */
type Schema = Record<string, any>;

export function minimalValue(schema: Schema, name: string): unknown {
  if (schema.anyOf) return minimalValue(schema.anyOf.find((s: Schema) => s.type === "string") ?? schema.anyOf[0], name);
  if (schema.enum) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  switch (schema.type) {
    case "string": {
      if (schema.format === "email") return "jill@example.com";
      if (schema.format === "uri") return "https://example.com/x";
      if (schema.format === "date-time") return "2026-01-31T10:00:00Z";
      if (schema.format === "time") return "09:30";
      if (schema.pattern === "^([0-9A-Fa-f]{2}[:-]?){5}([0-9A-Fa-f]{2})$") return "00:1a:2b:3c:4d:5e";
      if (schema.pattern === "^\\d{4}-\\d{2}-\\d{2}$") return "2026-01-31";
      if (schema.pattern?.includes("\\d{1,20}")) return "1234567890";
      const base = "x1";
      return schema.minLength && schema.minLength > base.length ? base.padEnd(schema.minLength, "x") : base;
    }
    case "integer":
    case "number":
      return schema.minimum ?? 1;
    case "boolean":
      return true;
    case "array":
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => minimalValue(schema.items ?? { type: "string" }, name));
    case "object":
      return minimalObject(schema);
    default:
      return "x1";
  }
}

export function minimalObject(schema: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of schema.required ?? []) out[key] = minimalValue(schema.properties?.[key] ?? {}, key);
  return out;
}
