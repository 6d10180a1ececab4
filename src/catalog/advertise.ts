/**
 * The one function that turns a tool's full input schema (the validating one, in the catalog) into
 * the schema tools/list advertises. Every listing rule lives here, so portability rules for
 * particular clients have one place to go. The full schema stays available through
 * describe_zoom_tool, and arguments are always validated against it.
 *
 * The rules:
 * - The tool's own arguments (the first level) keep their descriptions, less any clause that only
 *   restates a bound or default the schema carries.
 * - Below the first level a description keeps only what the field's name, type and constraints do
 *   not already say: its first sentence and any sentence that gives coded values their meaning
 *   (`1 = instant`, `true = locked`), without restated limits or defaults, and nothing at all when
 *   what is left only repeats the name. A boolean's name says what it switches, so it keeps only
 *   what its values mean, or that it is deprecated.
 * - A tool larger than MAX_SCHEMA_BYTES keeps, below the first level, only the sentences that say
 *   what coded values mean. If it is still too large, it lists its largest objects without their fields,
 *   largest first (those nested inside an argument before the arguments themselves), until it fits;
 *   their descriptions say so and point to describe_zoom_tool.
 * - Objects stay closed (`additionalProperties: false`); no `$ref` is introduced.
 * - Portability (OpenAI strict mode, Anthropic and Gemini all take the result; portable.ts checks it):
 *   the only `format` kept is `date-time`; any other (email, uri, date, time...) is dropped and the
 *   description says what to send, while the server still validates it from the full schema. A
 *   free-form object (no `properties`: keys of the caller's choosing) or a schema that takes any
 *   value is listed as a string holding that JSON; the validator parses such a string back (see
 *   normalizeArgs in validate.ts), and an object sent as itself is taken too. `propertyNames`,
 *   `$ref` and `$schema` never reach the listing.
 * - The path-segment guard (its pattern and minLength) is left out: the pattern uses lookaheads,
 *   which not every client's regex engine takes, and the server enforces the guard anyway.
 */
import type { JsonSchema } from "../tools/define.js";
import { PATTERNS } from "./patterns.js";

/** Above this size (1,500 tokens), a schema keeps only coded-value meanings below its first level. */
export const TIGHT_ABOVE_BYTES = 6_000;

/** The largest advertised input schema, in JSON bytes (about 2,900 tokens): this keeps the listing under 400 tokens a tool. */
export const MAX_SCHEMA_BYTES = 11_500;

/** The advertised form of a full input schema. */
export function advertisedSchema(full: JsonSchema): JsonSchema {
  const schema = node(full, 0, false);
  // Too big: below the first level, keep only what coded values mean, before leaving anything out.
  return fit(size(schema) > TIGHT_ABOVE_BYTES ? node(full, 0, true) : schema);
}

type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[] };

function node(schema: Schema, depth: number, tight: boolean, name?: string, parent = ""): Schema {
  if (depth > 0 && isFreeForm(schema)) return asJsonString(schema);
  const out: Schema = {};
  const pathGuard = schema.pattern === PATTERNS.pathId.pattern;
  for (const [key, value] of Object.entries(schema)) {
    if (pathGuard && (key === "pattern" || key === "minLength")) continue;
    if (key === "description" && depth > 1) {
      const short = summarise(String(value), `${name ?? ""} ${parent}`, schema, tight);
      if (short) out.description = short;
      continue;
    }
    if (key === "description" && depth === 1) {
      out.description = sentences(String(value)).map((s) => withoutRestatedLimits(s, schema)).filter(Boolean).join(" ");
      continue;
    }
    if (key === "properties") out.properties = Object.fromEntries(Object.entries(value as Record<string, Schema>).map(([k, v]) => [k, node(v, depth + 1, tight, k, name)]));
    else if (key === "items") out.items = node(value as Schema, depth, tight, name, parent);
    else if (key === "anyOf") out.anyOf = (value as Schema[]).map((v) => node(v, depth, tight, name, parent));
    else if (key === "format" && value !== "date-time") continue;
    else if (key === "propertyNames" || key === "$ref" || key === "$schema") continue;
    else out[key] = value;
  }
  const format = schema.format;
  if (typeof format === "string" && format !== "date-time") {
    const words = FORMAT_WORDS[format] ?? `in ${format} format`;
    const said = typeof out.description === "string" ? out.description : "";
    if (!said.toLowerCase().includes(words.replace(/^an? /, "").split(" ")[0]!.toLowerCase())) {
      out.description = `${said}${said && !/[.!?]$/.test(said) ? "." : ""}${said ? " " : ""}Must be ${words}.`;
    }
  }
  return out;
}

/** How a dropped `format` is said in words. */
const FORMAT_WORDS: Record<string, string> = {
  email: "an email address",
  uri: "a URL",
  url: "a URL",
  date: "a date in yyyy-MM-dd form",
  time: "a time in HH:mm:ss form",
  uuid: "a UUID",
  ipv4: "an IPv4 address",
  ipv6: "an IPv6 address",
  hostname: "a host name",
};

/** True for an object schema whose keys are the caller's choice, or a schema that takes any value. */
export function isFreeForm(schema: Record<string, unknown>): boolean {
  if (schema.type === "object") return !schema.properties && schema.additionalProperties !== false;
  return schema.type === undefined && !["anyOf", "oneOf", "allOf", "enum", "const", "properties"].some((k) => k in schema);
}

function asJsonString(schema: Schema): Schema {
  const what = schema.type === "object" ? "a JSON object" : "any JSON value";
  const said = typeof schema.description === "string" ? `${schema.description.trim()}${/[.!?]$/.test(schema.description.trim()) ? "" : "."} ` : "";
  return { type: "string", description: `${said}Send ${what} encoded as a JSON string, e.g. "{\\"key\\":\\"value\\"}" (an object sent as itself is taken too).` };
}

/** A coded value and its meaning: `1 = instant`, `true = locked`, `add = append`. */
const CODED = /(^|[\s(,;:])[\w.'`"-]+ = \S/;
/** A lock flag's meaning, which the lock tools' own descriptions give once for all their flags. */
const LOCK = /\btrue (?:= )?lock/i;

/** Sentences, split after `.`, `!` or `?` and a space (not after `e.g.` or `i.e.`). */
function sentences(text: string): string[] {
  return text
    .split(/(?<!\b(?:e\.g|i\.e|etc|vs|approx)\.)(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** What the description adds to the field's name, type and constraints, or undefined when nothing. */
export function summarise(text: string, name: string, schema: Schema, tight = false): string | undefined {
  const parts = sentences(text);
  // A switch's name says what it switches; what stays is what its values mean, or that it is deprecated.
  // Lock flags are explained once, by their tool's description.
  if (schema.type === "boolean" && !parts.some((p) => CODED.test(p) && !LOCK.test(p))) return /^deprecated\b/i.test(text) ? "Deprecated." : undefined;
  const kept = parts.filter((s, i) => (i === 0 && !tight) || CODED.test(s)).map((s) => withoutRestatedLimits(s, schema));
  let short = kept
    .filter(Boolean)
    .join(" ")
    .replace(/^Lock state of the setting for (.+?): true = locked for all users, false = unlocked\.?$/, "true locks $1 for all users.")
    .trim();
  if (!short) return undefined;
  if (!/[.!?]$/.test(short)) short += ".";
  return onlyRepeatsName(short, name) ? undefined : short;
}

const LIMIT_WORDS = "(?:up to|at most|max(?:imum)?|no more than|limited to|min(?:imum)?|at least)";
const BOUNDS = ["maxLength", "maxItems", "maximum", "minLength", "minItems", "minimum"] as const;
const patterns = new Map<string, RegExp>();
/** Compiled once per distinct bound: a listing builds thousands of descriptions. */
const cached = (key: string, source: () => string, flags: string) => {
  let re = patterns.get(key);
  if (!re) patterns.set(key, (re = new RegExp(source(), flags)));
  re.lastIndex = 0;
  return re;
};
const escape = (v: string) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Drops the clauses that restate a bound or default the schema already carries. */
function withoutRestatedLimits(sentence: string, schema: Schema): string {
  let s = sentence;
  if (!/\d|default/i.test(s)) return s;
  for (const key of BOUNDS) {
    const n = schema[key];
    if (typeof n !== "number") continue;
    const written = n >= 1000 ? [String(n), n.toLocaleString("en-US")] : [String(n)];
    if (!written.some((w) => s.includes(w))) continue;
    const value = written.length > 1 ? `(?:${written.join("|")})` : written[0]!;
    s = s.replace(cached(`b${n}`, () => `\\s*[,;(]?\\s*${LIMIT_WORDS} ${value}(?: (?:characters|chars|items|entries|values|elements))?\\)?(?=[.,;)]|$)`, "gi"), "");
  }
  if (typeof schema.minimum === "number" && typeof schema.maximum === "number" && s.includes(String(schema.maximum))) {
    s = s.replace(cached(`r${schema.minimum}-${schema.maximum}`, () => `\\s*[,;(]?\\s*(?:from )?${schema.minimum}(?: to |-|–)${schema.maximum}\\)?(?=[.,;)]|$)`, "g"), "");
  }
  if (schema.default !== undefined && /default/i.test(s)) {
    const value = escape(String(schema.default));
    s = s.replace(cached(`d${value}`, () => `\\s*[,;(]?\\s*(?:default(?:s to| is)?:? ${value}|${value} by default)\\)?(?=[.,;)]|$)`, "gi"), "");
  }
  return s.replace(/\s*\(\s*\)/g, "").replace(/[,;:]\s*([.]?)$/, "$1").trim();
}

const FILLER = new Set(
  "a an the of for to in on at by with and or is are be this that its it their whether if when turn turns enable enabled enables allow allows let lets show shows use used uses set sets true false on off id ids name value list number".split(
    " ",
  ),
);

const stem = (w: string) => w.replace(/(ies)$/, "y").replace(/(s|es)$/, "");

/**
 * True when every word of the description is a word of the field's name, of its parent's name, or
 * filler ("Turn on webinar reactions" for webinar_reactions; "Email when SIP registration fails"
 * for email_notification.sip_registration_failed).
 */
function onlyRepeatsName(text: string, name: string): boolean {
  const own = new Set(name.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean).map(stem));
  const words = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  return words.every((w) => FILLER.has(w) || own.has(stem(w)));
}

const size = (value: unknown) => JSON.stringify(value).length;

/**
 * Lists the largest objects of an oversized schema without their fields, largest first, until the
 * schema fits: objects nested inside an argument go first, so every argument and its direct fields
 * stay listed as long as possible; then object arguments themselves. Sizes are measured once per
 * round and kept up to date by subtraction, so a big schema costs one walk, not one per object.
 */
function fit(schema: JsonSchema): JsonSchema {
  let current = schema as Schema;
  let total = size(current);
  for (const depth of [2, 1]) {
    if (total <= MAX_SCHEMA_BYTES) break;
    const done: string[] = [];
    for (const { path, bytes } of objectsBySize(current, depth)) {
      if (total <= MAX_SCHEMA_BYTES) break;
      const key = path.join(".");
      // Inside an object already collapsed this round: nothing left to save there.
      if (done.some((d) => key.startsWith(`${d}.`))) continue;
      let replacement: Schema | undefined;
      current = replaceAt(current, path, (n) => (replacement = collapsed(n)));
      total -= bytes - size(replacement);
      done.push(key);
    }
  }
  return current;
}

/** Every object at `minDepth` or deeper that lists fields, with its path (`[]` for array items) and size, largest first. */
function objectsBySize(root: Schema, minDepth: number): Array<{ path: string[]; bytes: number }> {
  const found: Array<{ path: string[]; bytes: number }> = [];
  const visit = (n: Schema, path: string[], depth: number) => {
    for (const [key, child] of Object.entries(n.properties ?? {})) {
      const here = [...path, key];
      const target = child.items ? (here.push("[]"), child.items) : child;
      if (!target.properties || !Object.keys(target.properties).length) continue;
      if (depth >= minDepth) found.push({ path: here, bytes: size(target) });
      visit(target, here, depth + 1);
    }
  };
  visit(root, [], 1);
  return found.sort((a, b) => b.bytes - a.bytes);
}

function replaceAt(node: Schema, path: string[], change: (n: Schema) => Schema): Schema {
  if (!path.length) return change(node);
  const [key, ...rest] = path;
  if (key === "[]") return { ...node, items: replaceAt(node.items!, rest, change) };
  return { ...node, properties: { ...node.properties, [key!]: replaceAt(node.properties![key!]!, rest, change) } };
}

function collapsed(object: Schema): Schema {
  const count = Object.keys(object.properties ?? {}).length;
  const head = typeof object.description === "string" ? `${sentences(object.description)[0]} ` : "";
  return {
    type: "object",
    description: `${head}Its ${count} fields are left out of this listing to keep it small: describe_zoom_tool shows them, and this tool takes them.`,
    properties: {},
    additionalProperties: false,
  };
}
