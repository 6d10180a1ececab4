/**
 * Reading Zoom's OpenAPI data: which operation each catalog entry is, and a normalised model of its
 * parameters and body. Spec quirks are resolved here, and each one is recorded so that the
 * generator can publish the list (src/catalog/SPEC-QUIRKS.md).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { singular } from "./naming.js";

export type Json = Record<string, any>;

/** String formats the catalog carries (validated on our side; the advertised schema keeps only date-time). */
export const CARRIED_FORMATS = new Set(["email", "uri", "date-time", "time"]);

export const LEGACY_FILE = "zoom-api-v2-2021-08.oas2.json";

export interface CatalogEntry {
  readonly section: string;
  readonly title: string;
  readonly catalog_method: string | null;
  readonly legacy_2021: { method: string; path: string; operationId: string };
  readonly current_2026: { file: string; method: string; path: string; operationId: string } | null;
}

/** A normalised schema node: what the zod emitter understands. */
export type Node =
  | { kind: "string"; enum?: string[]; minLength?: number; maxLength?: number; format?: string; pattern?: string; default?: unknown }
  | { kind: "integer" | "number"; enum?: number[]; minimum?: number; maximum?: number; exclusiveMinimum?: number; exclusiveMaximum?: number; default?: unknown }
  | { kind: "boolean"; default?: unknown }
  | { kind: "date" }
  | { kind: "array"; items: Node; minItems?: number; maxItems?: number; uniqueItems?: boolean }
  | { kind: "object"; properties: Record<string, Prop> }
  | { kind: "record" }
  | { kind: "union"; variants: Node[] }
  | { kind: "any" };

export interface Prop {
  node: Node;
  required: boolean;
  /** Set when the field belongs to only some `oneOf` variants of its object. */
  variants?: string[];
}

export interface Param {
  readonly name: string;
  readonly in: "path" | "query";
  readonly required: boolean;
  readonly node: Node;
}

export interface Quirk {
  readonly where: string;
  readonly quirk: string;
  readonly handling: string;
}

export interface Operation {
  readonly key: string;
  readonly method: string;
  readonly path: string;
  readonly operationId: string;
  readonly file: string;
  readonly legacy: boolean;
  readonly params: Param[];
  /** Top-level body: an object's fields, or undefined when the call has no body. */
  readonly body?: Node;
  readonly multipart: boolean;
  /** For a multipart body: the form field that carries the file (the others are text fields). */
  readonly fileField?: string;
  readonly scopes: string[];
  readonly rateLimit?: string;
  readonly returnsCollection: boolean;
  /** All of Zoom's prose for this operation, used only to check that our descriptions do not copy it. */
  readonly specText: string[];
  /** The documented success status and an example body built from the response schema (the sandbox's answer). */
  readonly response: { readonly status: number; readonly example?: unknown };
}

export class SpecReader {
  private readonly cache = new Map<string, Json>();
  readonly quirks: Quirk[] = [];

  constructor(private readonly dir: string) {}

  catalog(): CatalogEntry[] {
    return this.load("catalog-map.json").entries as CatalogEntry[];
  }

  load(file: string): Json {
    let spec = this.cache.get(file);
    if (!spec) {
      spec = JSON.parse(readFileSync(join(this.dir, file), "utf8")) as Json;
      this.cache.set(file, spec);
    }
    return spec;
  }

  quirk(where: string, quirk: string, handling: string): void {
    if (!this.quirks.some((q) => q.where === where && q.quirk === quirk)) this.quirks.push({ where, quirk, handling });
  }

  /** True (and recorded) when a `pattern` is a date-format picture (`yyyy-MM-dd HH:mm:ss`), not a regular expression. */
  datePicture(pattern: string, where: string): boolean {
    if (!/^(?:yyyy|yy|MM|dd|HH|hh|mm|ss|SSS|[-:.\s'T/])+$/.test(pattern) || !/yy/.test(pattern)) return false;
    this.quirk(where, `\`pattern: ${pattern}\` is a date-format picture, not a regular expression (as one it matches only that literal text)`, "Dropped: the field's `format` and description say what to send.");
    return true;
  }

  /** Global quirks of the 2021 file that affect how every legacy operation is read. */
  scanLegacyFile(): void {
    const spec = this.load(LEGACY_FILE);
    const seen = new Map<string, string>();
    for (const [path, item] of Object.entries(spec.paths as Json)) {
      for (const [method, op] of Object.entries(item as Json)) {
        const id = (op as Json).operationId as string | undefined;
        if (!id) continue;
        const here = `${method.toUpperCase()} ${path}`;
        if (seen.has(id)) {
          this.quirk(
            `${LEGACY_FILE}: ${seen.get(id)} and ${here}`,
            `duplicate operationId \`${id}\``,
            "Tools are keyed and named by method and path, never by operationId, so both stay distinct.",
          );
        } else seen.set(id, here);
      }
    }
    if (Array.isArray(spec.consumes) && spec.consumes.includes("multipart/form-data")) {
      this.quirk(
        LEGACY_FILE,
        "global `consumes` lists multipart/form-data next to application/json",
        "Ignored: a legacy operation is sent as multipart only when it declares `formData` parameters; every `body` parameter is sent as JSON.",
      );
    }
  }

  operation(entry: CatalogEntry): Operation {
    const current = entry.current_2026;
    const file = current ? current.file : LEGACY_FILE;
    const method = (current ?? entry.legacy_2021).method.toUpperCase();
    const path = (current ?? entry.legacy_2021).path;
    const key = `${method} ${path}`;
    const op = this.load(file).paths[path][method.toLowerCase()] as Json;
    const legacy = !current;
    // The summary is left out: it is usually the catalog title, which tools carry as their title.
    const specText: string[] = [op.description ?? ""];

    const params: Param[] = [];
    let body: Node | undefined;
    let multipart = false;
    let fileField: string | undefined;
    const declaredPath = new Set<string>();
    for (const raw of (op.parameters ?? []) as Json[]) {
      specText.push(raw.description ?? "");
      if (raw.in === "body") {
        body = this.node(raw.schema ?? {}, key, specText, legacy);
        continue;
      }
      if (raw.in === "formData") {
        multipart = true;
        if (raw.type === "file") fileField ??= raw.name;
        body = mergeInto(body, { kind: "object", properties: { [raw.name]: { node: { kind: "string" }, required: !!raw.required } } });
        continue;
      }
      if (raw.in !== "path" && raw.in !== "query") continue;
      if (raw.in === "path" && !path.includes(`{${raw.name}}`)) {
        this.quirk(key, `path parameter \`${raw.name}\` is declared but the path has no \`{${raw.name}}\``, "Dropped: it could never be sent.");
        continue;
      }
      if (raw.in === "path") {
        declaredPath.add(raw.name);
        if (!raw.required) this.quirk(key, `path parameter \`${raw.name}\` is marked \`required: false\``, "Treated as required: a path cannot have a hole.");
      }
      const schema = raw.schema ?? { ...raw, name: undefined, in: undefined, description: undefined, required: undefined };
      params.push({ name: raw.name, in: raw.in, required: raw.in === "path" || !!raw.required, node: this.node(schema, key, specText, legacy) });
    }
    for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
      if (!declaredPath.has(name!)) {
        this.quirk(key, `path uses \`{${name}}\` but declares no such parameter`, "Added as a required string path parameter.");
        params.unshift({ name: name!, in: "path", required: true, node: { kind: "string" } });
      }
    }

    const content = op.requestBody?.content as Json | undefined;
    if (op.requestBody && (!content || Object.keys(content).length === 0)) {
      this.quirk(key, "requestBody has no `content`", "Treated as a call without a body.");
    }
    for (const [type, media] of Object.entries(content ?? {})) {
      if (type === "multipart/form-data") {
        multipart = true;
        fileField = fileFieldOf((media as Json).schema ?? {});
      }
      body = this.node((media as Json).schema ?? {}, key, specText, legacy);
      break;
    }
    if (body && body.kind !== "object") {
      this.quirk(key, `request body is a ${body.kind}, not an object`, "Exposed as one input field, `body`.");
    }

    return {
      key,
      method,
      path,
      operationId: op.operationId,
      file,
      legacy,
      params,
      ...(body ? { body } : {}),
      multipart,
      ...(multipart && fileField ? { fileField } : {}),
      scopes: scopesOf(op),
      ...(rateLimitOf(op) ? { rateLimit: rateLimitOf(op)! } : {}),
      returnsCollection: method === "GET" && returnsCollection(op, path, params),
      specText: specText.filter(Boolean),
      response: responseOf(op),
    };
  }

  /** Normalises one JSON Schema (OpenAPI 3 or Swagger 2 flavour) into a Node. */
  node(schema: Json, where: string, specText: string[], legacy: boolean, depth = 0): Node {
    if (schema.description) specText.push(schema.description);
    if (depth > 12) return { kind: "any" };
    if (Array.isArray(schema.allOf)) {
      let merged: Node | undefined;
      for (const part of schema.allOf) merged = mergeInto(merged, this.node(part, where, specText, legacy, depth + 1), "all");
      const own = schema.properties ? this.node({ ...schema, allOf: undefined }, where, specText, legacy, depth + 1) : undefined;
      return own ? mergeInto(merged, own, "all") : (merged ?? { kind: "any" });
    }
    for (const combinator of ["oneOf", "anyOf"] as const) {
      const variants = schema[combinator] as Json[] | undefined;
      if (!Array.isArray(variants)) continue;
      if (legacy) {
        this.quirk(where, `\`${combinator}\` inside the Swagger 2.0 spec (an OAS3-only keyword)`, "Read as in OAS3: the variants are merged as below.");
      }
      const nodes = variants.map((v) => this.node(v, where, specText, legacy, depth + 1));
      if (nodes.every((n) => n.kind === "object")) {
        // Variants told apart by a field each pins to its own value (`search_type`) are kept apart below
        // the top level, each with its own required fields. A tool's arguments (the top level) cannot be
        // a union in a portable listing, so there the variants are merged like any others.
        if (depth > 0 && discriminator(nodes as Extract<Node, { kind: "object" }>[])) return { kind: "union", variants: nodes };
        const labels = variants.map((v, i) => (typeof v.title === "string" && /^[A-Za-z0-9_]+$/.test(v.title) ? v.title : `${i + 1}`));
        return mergeVariants(nodes as Extract<Node, { kind: "object" }>[], labels);
      }
      const kinds = new Set(nodes.map((n) => n.kind));
      if (kinds.size === 1 && ["string", "integer", "number", "boolean"].includes(nodes[0]!.kind)) {
        return nodes.reduce((a, b) => mergeInto(a, b, "any")!);
      }
      return { kind: "union", variants: nodes };
    }
    const type = schema.type;
    if (type === "date") {
      this.quirk(where, '`type: "date"` (not a JSON Schema type)', "Read as a string in `yyyy-MM-dd` form.");
      return { kind: "date" };
    }
    if (type === "string") {
      if (schema.format === "date") return { kind: "date" };
      return clean({
        kind: "string",
        enum: Array.isArray(schema.enum) ? schema.enum.map(String) : undefined,
        minLength: schema.minLength,
        maxLength: schema.maxLength,
        format: CARRIED_FORMATS.has(schema.format) ? schema.format : undefined,
        pattern: typeof schema.pattern === "string" && !this.datePicture(schema.pattern, where) ? schema.pattern : undefined,
        default: schema.default,
      });
    }
    if (type === "integer" || type === "number") {
      const values = Array.isArray(schema.enum) ? schema.enum.map(Number).filter((n: number) => !Number.isNaN(n)) : undefined;
      // OpenAPI 3.0 writes exclusive bounds as booleans next to minimum/maximum.
      const exclusiveMinimum = typeof schema.exclusiveMinimum === "number" ? schema.exclusiveMinimum : schema.exclusiveMinimum === true ? schema.minimum : undefined;
      const exclusiveMaximum = typeof schema.exclusiveMaximum === "number" ? schema.exclusiveMaximum : schema.exclusiveMaximum === true ? schema.maximum : undefined;
      return clean({
        kind: type,
        enum: values?.length ? values : undefined,
        minimum: exclusiveMinimum === undefined ? schema.minimum : undefined,
        maximum: exclusiveMaximum === undefined ? schema.maximum : undefined,
        exclusiveMinimum,
        exclusiveMaximum,
        default: schema.default,
      });
    }
    if (type === "boolean") return clean({ kind: "boolean", default: schema.default });
    if (type === "array") {
      const items = schema.items;
      if (!items || typeof items !== "object" || Array.isArray(items)) {
        this.quirk(where, "array with malformed `items`", "Items accept any JSON value.");
        return { kind: "array", items: { kind: "any" } };
      }
      let maxItems = schema.maxItems;
      if (maxItems === undefined && typeof schema.maximum === "number") {
        this.quirk(where, "array bounded with `maximum` instead of `maxItems`", "Read as `maxItems`.");
        maxItems = schema.maximum;
      }
      let itemSchema = items as Json;
      if (Array.isArray(schema.enum) && !Array.isArray(items.enum) && ["string", "integer", "number"].includes(items.type)) {
        this.quirk(where, "array with `enum` on the array instead of on its `items`", "Read as an enum of the items: no array can equal a scalar.");
        itemSchema = { ...items, enum: schema.enum };
      }
      return clean({ kind: "array", items: this.node(itemSchema, where, specText, legacy, depth + 1), minItems: schema.minItems, maxItems, uniqueItems: schema.uniqueItems === true ? true : undefined });
    }
    if (type === "object" || schema.properties) {
      if (!schema.properties || Object.keys(schema.properties).length === 0) return { kind: "record" };
      const required = new Set<string>(Array.isArray(schema.required) ? schema.required : []);
      if (Array.isArray(schema.required) && required.size !== schema.required.length) {
        this.quirk(where, "duplicate name in a `required` list", "Duplicates ignored.");
      }
      const undeclared = [...required].filter((name) => !(name in schema.properties));
      if (undeclared.length) {
        this.quirk(where, `\`required\` names ${undeclared.map((n) => `\`${n}\``).join(", ")}, which the object does not declare`, "Ignored: with no schema there is nothing the tool could send, so it takes only the declared fields.");
      }
      const properties: Record<string, Prop> = {};
      for (const [name, sub] of Object.entries(schema.properties as Json)) {
        properties[name] = { node: this.node((sub ?? {}) as Json, where, specText, legacy, depth + 1), required: required.has(name) };
      }
      return { kind: "object", properties };
    }
    return { kind: "any" };
  }
}

/** A field every variant has, pinned by each to a single value of its own: what tells the variants apart. */
function discriminator(nodes: Extract<Node, { kind: "object" }>[]): string | undefined {
  return Object.keys(nodes[0]!.properties).find((name) => {
    const values = nodes.map((n) => {
      const node = n.properties[name]?.node;
      return node?.kind === "string" && node.enum?.length === 1 ? node.enum[0] : undefined;
    });
    return values.every((v) => v !== undefined) && new Set(values).size === nodes.length;
  });
}

/**
 * The field of a multipart body that carries the file: the one the spec marks `format: binary`
 * (or an array of such), else the one called `file`, else the only or first field.
 */
function fileFieldOf(schema: Json): string | undefined {
  const props = Object.entries((schema.properties ?? {}) as Json);
  const binary = props.find(([, p]) => p?.format === "binary" || p?.items?.format === "binary");
  return (binary ?? props.find(([name]) => name === "file") ?? props[0])?.[0];
}

function clean<T extends object>(node: T): T {
  return Object.fromEntries(Object.entries(node).filter(([, v]) => v !== undefined)) as T;
}

/**
 * `oneOf` object variants become one object: a field keeps `required` only when every variant
 * requires it, and a field missing from some variants records which ones it belongs to.
 */
function mergeVariants(nodes: Extract<Node, { kind: "object" }>[], labels: string[]): Node {
  const properties: Record<string, Prop> = {};
  const names = [...new Set(nodes.flatMap((n) => Object.keys(n.properties)))];
  for (const name of names) {
    const owners = nodes.map((n, i) => (n.properties[name] ? i : -1)).filter((i) => i >= 0);
    let node: Node | undefined;
    for (const i of owners) node = mergeInto(node, nodes[i]!.properties[name]!.node, "any");
    const requiredEverywhere = owners.length === nodes.length && owners.every((i) => nodes[i]!.properties[name]!.required);
    const prop: Prop = { node: node!, required: requiredEverywhere };
    if (owners.length < nodes.length) prop.variants = owners.map((i) => labels[i]!);
    properties[name] = prop;
  }
  return { kind: "object", properties };
}

/** Merges two nodes describing the same value: objects field by field, enums as a union. */
function mergeInto(a: Node | undefined, b: Node, mode: "all" | "any" = "any"): Node {
  if (!a) return b;
  if (a.kind === "object" && b.kind === "object") {
    const properties: Record<string, Prop> = { ...a.properties };
    for (const [name, prop] of Object.entries(b.properties)) {
      const mine = properties[name];
      properties[name] = mine
        ? { ...mine, node: mergeInto(mine.node, prop.node, mode), required: mode === "all" ? mine.required || prop.required : mine.required && prop.required }
        : prop;
    }
    return { kind: "object", properties };
  }
  if ((a.kind === "string" && b.kind === "string") || ((a.kind === "integer" || a.kind === "number") && a.kind === b.kind)) {
    const ae = (a as { enum?: unknown[] }).enum;
    const be = (b as { enum?: unknown[] }).enum;
    const merged = { ...b, ...a } as Node & { enum?: unknown[] };
    if (ae && be) merged.enum = [...new Set([...ae, ...be])];
    else delete merged.enum;
    return merged;
  }
  if (a.kind === b.kind && a.kind !== "union") return a;
  if (a.kind === "any") return b;
  if (b.kind === "any") return a;
  return { kind: "union", variants: [...(a.kind === "union" ? a.variants : [a]), b] };
}

function scopesOf(op: Json): string[] {
  const scopes = new Set<string>();
  for (const requirement of (op.security ?? []) as Json[]) {
    for (const list of Object.values(requirement)) for (const s of list as string[]) scopes.add(s);
  }
  const ext = op["x-extensions"] ?? {};
  for (const s of [...(ext["x-macro-scopes"] ?? []), ...(ext["x-granular-scopes"] ?? [])]) scopes.add(s);
  if (scopes.size === 0) {
    // The 2021 spec names scopes only in the description: "**Scopes:** `meeting:write:admin` `meeting:write`".
    for (const line of String(op.description ?? "").split("\n")) {
      if (!/Scopes/i.test(line)) continue;
      for (const [, s] of line.matchAll(/`([a-z_]+:[a-z_:]+)`/g)) scopes.add(s!);
    }
  }
  return [...scopes];
}

const LABELS: Record<string, string> = { light: "Light", medium: "Medium", heavy: "Heavy", "resource-intensive": "Resource-intensive" };

function rateLimitOf(op: Json): string | undefined {
  const match = /Rate Limit Label[^`]*`([A-Za-z-]+)`/s.exec(String(op.description ?? ""));
  return match ? LABELS[match[1]!.toLowerCase()] : undefined;
}

/**
 * A GET returns a collection when it pages, or when its last segment is a plural noun and its 200
 * body holds a top-level array (`/polls` lists; `/invitation` and `/settings` get one thing).
 */
function returnsCollection(op: Json, path: string, params: Param[]): boolean {
  if (params.some((p) => p.in === "query" && (p.name === "next_page_token" || p.name === "page_size"))) return true;
  const last = path.split("/").filter((s) => s && !s.startsWith("{")).at(-1) ?? "";
  if (singular(last) === last) return false;
  const ok = op.responses?.["200"] ?? {};
  const schema = ok.content?.["application/json"]?.schema ?? ok.schema;
  if (!schema) return false;
  if (schema.type === "array") return true;
  const parts = [schema, ...(schema.allOf ?? [])];
  return parts.some((part: Json) => Object.values(part.properties ?? {}).some((p: any) => p?.type === "array"));
}

/** The first 2xx response, with an example body made from the schema's examples, defaults and types. */
function responseOf(op: Json): { status: number; example?: unknown } {
  const entries = Object.entries((op.responses ?? {}) as Json).filter(([code]) => /^2\d\d$/.test(code));
  const [code, response] = entries[0] ?? ["200", {}];
  const status = Number(code);
  const schema = (response as Json).content?.["application/json"]?.schema ?? (response as Json).schema;
  if (!schema || status === 204) return { status };
  return { status, example: exampleOf(schema, 0) };
}

const MAX_EXAMPLE_STRING = 120;

function exampleOf(schema: Json, depth: number): unknown {
  if (!schema || typeof schema !== "object" || depth > 8) return null;
  if (Array.isArray(schema.allOf)) return Object.assign({}, ...schema.allOf.map((s: Json) => exampleOf(s, depth + 1)).filter((v: unknown) => v && typeof v === "object"));
  for (const k of ["oneOf", "anyOf"]) if (Array.isArray(schema[k]) && schema[k].length) return exampleOf(schema[k][0], depth + 1);
  const type = schema.type ?? (schema.properties ? "object" : undefined);
  if (type === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries((schema.properties ?? {}) as Json)) out[k] = exampleOf(v as Json, depth + 1);
    return out;
  }
  if (type === "array") return schema.items ? [exampleOf(schema.items, depth + 1)] : [];
  const candidate = schema.example ?? schema.default ?? (Array.isArray(schema.enum) ? schema.enum[0] : undefined);
  if (type === "string" || type === "date") {
    if (typeof candidate === "string") {
      // Values, not prose: an example sentence becomes neutral text.
      if (candidate.trim().split(/\s+/).length >= 5) return "Example text.";
      return candidate.length > MAX_EXAMPLE_STRING ? candidate.slice(0, MAX_EXAMPLE_STRING) : candidate;
    }
    if (schema.format === "date-time") return "2026-01-01T00:00:00Z";
    if (schema.format === "date" || type === "date") return "2026-01-01";
    if (schema.format === "email") return "user@example.com";
    return "string";
  }
  if (type === "integer" || type === "number") return typeof candidate === "number" ? candidate : Number(candidate) || 0;
  if (type === "boolean") return typeof candidate === "boolean" ? candidate : false;
  return candidate ?? null;
}
