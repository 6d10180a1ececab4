/**
 * Argument validation from a tool's own JSON Schema. The zod validator is built with
 * `z.fromJSONSchema` on the tool's first call and cached per tool, so a start builds none and a
 * session pays only for the tools it uses. Unknown keys are refused (every object in the catalog is
 * closed), and mismatches come back as issues that name the field and say what to send instead.
 */
import { z } from "zod";
import { isFreeForm } from "../catalog/advertise.js";
import { DEFAULT_LIMITS, patternMessage } from "../catalog/patterns.js";
import type { JsonSchema, ToolSpec } from "./define.js";
import { closest, schemaAt } from "./describe.js";

export type Validation = { readonly ok: true; readonly args: Record<string, unknown> } | { readonly ok: false; readonly error: z.ZodError };

const validators = new WeakMap<object, z.ZodType>();

/**
 * Formats checked by our own code rather than zod's: real calendar dates and times, and date-times
 * with or without an offset (Zoom takes a local start_time next to a `timezone`).
 */
const OWN_FORMATS = new Set(["date", "date-time", "time"]);

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

function realDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}

/** hh:mm, hh:mm:ss or hh:mm:ss.fff, then an optional Z or ±hh:mm offset. */
function realTime(value: string): boolean {
  const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|z|[+-](\d{2}):(\d{2}))?$/.exec(value);
  if (!m) return false;
  const ok = Number(m[1]) <= 23 && Number(m[2]) <= 59 && (m[3] === undefined || Number(m[3]) <= 60);
  return ok && (m[5] === undefined || (Number(m[5]) <= 23 && Number(m[6]) <= 59));
}

const FORMAT_CHECKS: Record<string, { check: (value: string) => boolean; message: string }> = {
  date: { check: realDate, message: "must be a real calendar date in yyyy-MM-dd form, e.g. 2026-03-15" },
  time: { check: realTime, message: "must be a real time of day, hh:mm or hh:mm:ss, e.g. 09:30" },
  "date-time": {
    check: (value) => {
      const t = value.search(/[Tt ]/);
      return t === 10 && realDate(value.slice(0, 10)) && /^\d{2}:\d{2}:\d{2}/.test(value.slice(11)) && realTime(value.slice(11));
    },
    message: "must be a real date and time, yyyy-MM-ddTHH:mm:ss with an optional Z or offset, e.g. 2026-03-15T10:00:00Z",
  },
};

/** Issues for strings that break one of OWN_FORMATS, walking the schema next to the (already valid) value. */
function formatIssues(schema: unknown, value: unknown, path: PropertyKey[], out: z.core.$ZodIssue[]): void {
  if (!schema || typeof schema !== "object") return;
  const node = schema as Record<string, any>;
  if (typeof value === "string") {
    const check = typeof node.format === "string" ? FORMAT_CHECKS[node.format] : undefined;
    if (check && !check.check(value)) out.push({ code: "invalid_format", format: node.format, path, message: check.message, input: value } as z.core.$ZodIssue);
    if (Array.isArray(node.anyOf)) {
      const strings = node.anyOf.filter((b: Record<string, any>) => b.type === "string");
      const fits = strings.some((b: Record<string, any>) => !(typeof b.format === "string" && FORMAT_CHECKS[b.format]) || FORMAT_CHECKS[b.format]!.check(value));
      if (strings.length && !fits) out.push({ code: "invalid_format", format: strings[0].format, path, message: FORMAT_CHECKS[strings[0].format]!.message, input: value } as z.core.$ZodIssue);
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => formatIssues(node.items, item, [...path, i], out));
    return;
  }
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) if (node.properties?.[k]) formatIssues(node.properties[k], v, [...path, k], out);
    for (const branch of node.anyOf ?? []) if (branch?.type === "object") formatIssues(branch, value, path, out);
  }
}

/** Keywords that say nothing about validity. `default` in particular must not be filled in: Zoom applies its own. */
const ANNOTATIONS = new Set(["description", "default", "title", "examples"]);

function forValidation(node: unknown, key?: string): unknown {
  if (Array.isArray(node)) return node.map((n) => forValidation(n));
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  // Under `properties` the keys are field names, which may well be called `description` or `default`.
  for (const [k, v] of Object.entries(node)) {
    if (key === "properties" || !ANNOTATIONS.has(k)) out[k] = forValidation(v, k);
  }
  // Ours to check (formatIssues): zod's date-time wants an offset, and its time a different shape.
  if (key !== "properties" && typeof out.format === "string" && OWN_FORMATS.has(out.format)) delete out.format;
  return out;
}

/**
 * Default length limits (DEFAULT_LIMITS) on strings without a maxLength of their own: IDs, path and
 * query values get the ID limit, free text in a body the text limit. Enums and dates bound themselves.
 */
function withLimits(node: unknown, limit: number, key?: string): unknown {
  if (Array.isArray(node)) return node.map((n) => withLimits(n, limit));
  if (!node || typeof node !== "object") return node;
  const src = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(src)) {
    if (k === "properties" && v && typeof v === "object") {
      out[k] = Object.fromEntries(Object.entries(v).map(([name, sub]) => [name, withLimits(sub, /(^|_)id$/i.test(name) ? DEFAULT_LIMITS.id : limit)]));
    } else out[k] = key === "properties" ? v : withLimits(v, limit, k);
  }
  if (out.type === "string" && out.maxLength === undefined && out.enum === undefined && out.format !== "date") {
    out.maxLength = typeof out.minLength === "number" ? Math.max(out.minLength, limit) : limit;
  }
  return out;
}

/** The tool's schema with the default length limits: top-level fields by where they travel. */
function limited(schema: JsonSchema, tool?: Pick<ToolSpec, "pathParams" | "queryParams">): unknown {
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  const idFields = new Set([...(tool?.pathParams ?? []), ...(tool?.queryParams ?? []).map((q) => q.name)]);
  return {
    ...schema,
    // An upload's inline bytes are bounded by the upload limit where the file is read, not here.
    properties: Object.fromEntries(Object.entries(properties).map(([name, sub]) => [name, name === "file_base64" ? sub : withLimits(sub, idFields.has(name) || /(^|_)id$/i.test(name) ? DEFAULT_LIMITS.id : DEFAULT_LIMITS.text)])),
  };
}

/** The zod validator of a JSON Schema, built once per schema object. */
export function validatorFor(schema: JsonSchema, tool?: Pick<ToolSpec, "pathParams" | "queryParams">): z.ZodType {
  let validator = validators.get(schema);
  if (!validator) {
    validator = z.fromJSONSchema(forValidation(limited(schema, tool)) as Parameters<typeof z.fromJSONSchema>[0]) as z.ZodType;
    validators.set(schema, validator);
  }
  return validator;
}

/**
 * Agents often pass back a numeric ID from an earlier answer where the path wants a string (a user
 * or channel ID): a safe integer is taken as its digits.
 */
function coercePathIds(tool: Pick<ToolSpec, "pathParams" | "inputSchema">, args: unknown): unknown {
  if (!args || typeof args !== "object" || Array.isArray(args)) return args;
  const properties = (tool.inputSchema.properties ?? {}) as Record<string, JsonSchema>;
  let out: Record<string, unknown> | undefined;
  for (const name of tool.pathParams) {
    const value = (args as Record<string, unknown>)[name];
    if (typeof value === "number" && Number.isSafeInteger(value) && properties[name]?.type === "string") {
      out ??= { ...(args as Record<string, unknown>) };
      out[name] = String(value);
    }
  }
  return out ?? args;
}

/**
 * What portable clients send, read the way the full schema means it, before validation:
 * - an optional key sent as `null` is "not given" and is dropped, at every level (strict-mode
 *   clients send null for every optional field they leave out). A required key sent as null stays,
 *   and the validator refuses it.
 * - a free-form object, advertised as a JSON string (see advertise.ts), is parsed back. A string
 *   that is not a JSON object is left as it is, so the validator says what to send.
 */
export function normalizeArgs(schema: JsonSchema, value: unknown): unknown {
  if (!schema || typeof schema !== "object") return value;
  if (typeof value === "string" && isFreeForm(schema) && schema.type === "object") {
    try {
      const parsed: unknown = JSON.parse(value);
      return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : value;
    } catch {
      return value;
    }
  }
  if (Array.isArray(value)) {
    const items = schema.items as JsonSchema | undefined;
    return items ? value.map((v) => normalizeArgs(items, v)) : value;
  }
  if (value && typeof value === "object") {
    const props = schema.properties as Record<string, JsonSchema> | undefined;
    if (!props) {
      const branch = ((schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined)?.find((b) => b.type === "object" && b.properties);
      return branch ? normalizeArgs(branch, value) : value;
    }
    const required = new Set((schema.required as string[] | undefined) ?? []);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === null && !required.has(k)) continue;
      out[k] = props[k] ? normalizeArgs(props[k], v) : v;
    }
    return out;
  }
  if (typeof value === "string") {
    const branch = ((schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined)?.find((b) => b.type === "object" && isFreeForm(b));
    return branch ? normalizeArgs(branch, value) : value;
  }
  return value;
}

export function validateArgs(tool: Pick<ToolSpec, "pathParams" | "inputSchema"> & Partial<Pick<ToolSpec, "queryParams">>, raw: unknown): Validation {
  const parsed = validatorFor(tool.inputSchema, { pathParams: tool.pathParams, queryParams: tool.queryParams ?? [] }).safeParse(coercePathIds(tool, normalizeArgs(tool.inputSchema, raw ?? {})));
  if (parsed.success) {
    const issues: z.core.$ZodIssue[] = [];
    formatIssues(tool.inputSchema, parsed.data, [], issues);
    if (issues.length) return { ok: false, error: new z.ZodError(issues) };
    return { ok: true, args: parsed.data as Record<string, unknown> };
  }
  return { ok: false, error: new z.ZodError(parsed.error.issues.flatMap((issue) => explain(issue, [])).map((issue) => suggest(issue, tool.inputSchema))) };
}

/**
 * Issues in our words: a union reports the branch that fits the value's type (a digit string that
 * is not digits, not "expected number"), a union of literals is one list of allowed values, and a
 * catalog pattern has its own message.
 */
function explain(issue: z.core.$ZodIssue, prefix: PropertyKey[]): z.core.$ZodIssue[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === "invalid_union" && issue.errors.length) {
    const branches = issue.errors.map((issues) => issues.flatMap((i) => explain(i, path)));
    const literals = branches.every((b) => b.length === 1 && b[0]!.code === "invalid_value");
    if (literals) {
      const values = branches.flatMap((b) => (b[0] as z.core.$ZodIssueInvalidValue).values);
      return [{ code: "invalid_value", values, path, message: `must be one of ${values.map((v) => JSON.stringify(v)).join(", ")}`, input: undefined } as z.core.$ZodIssue];
    }
    const fitting = branches.filter((b) => b.length && b.every((i) => i.code !== "invalid_type"));
    if (fitting.length === 1) return fitting[0]!;
    return [{ ...issue, path }];
  }
  if (issue.code === "invalid_format" && issue.format === "regex") {
    // zod reports the pattern as a regex literal, `/.../`.
    const source = /^\/(.*)\/[a-z]*$/s.exec(String((issue as { pattern?: string }).pattern ?? ""))?.[1];
    const message = source === undefined ? undefined : patternMessage(source);
    if (message) return [{ ...issue, path, message }];
  }
  return [{ ...issue, path }];
}

/** An unknown field gets the closest field names of the object it was found in. */
function suggest(issue: z.core.$ZodIssue, schema: JsonSchema): z.core.$ZodIssue {
  if (issue.code !== "unrecognized_keys") return issue;
  const at = schemaAt(schema, issue.path.filter((p) => typeof p === "string").join("."));
  const node = at.ok ? (at.schema as { properties?: Record<string, unknown>; items?: { properties?: Record<string, unknown> } }) : undefined;
  const fields = Object.keys(node?.properties ?? node?.items?.properties ?? {});
  const hints = issue.keys.map((key) => [key, closest(key, fields)] as const).filter(([, near]) => near.length);
  const unknown = `unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`;
  if (!hints.length) {
    const list = fields.length <= 20 ? `the fields here are ${fields.map((f) => JSON.stringify(f)).join(", ")}` : "describe_zoom_tool lists the fields";
    return { ...issue, code: "custom", message: `${unknown}; ${list}` } as z.core.$ZodIssue;
  }
  const guesses = hints.map(([key, near]) => `${JSON.stringify(key)} -> ${near.map((n) => JSON.stringify(n)).join(" or ")}`).join("; ");
  return { ...issue, code: "custom", message: `${unknown}. Did you mean ${guesses}?` } as z.core.$ZodIssue;
}
