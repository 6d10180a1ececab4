/**
 * Validates an outgoing request (method, path, query, body) against the Zoom spec operation a tool
 * came from, with openapi-backend (ajv underneath, formats checked by ajv-formats). The spec files are
 * read from ../shared at test time, never copied into the repo.
 *
 * The current specs are OpenAPI 3.0 and load as they are. The 2021 file is Swagger 2.0, which
 * openapi-backend does not take; for the few catalog tools that come from it, the one operation is
 * restated as OpenAPI 3.0 (parameters, body, formData) before validation.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { OpenAPIBackend, type Request as OasRequest } from "openapi-backend";
import addFormats from "ajv-formats";

type Json = Record<string, any>;

export const SPEC_DIR = process.env.ZOOM_MCP_SHARED_DIR ? join(process.env.ZOOM_MCP_SHARED_DIR, "zoom-openapi") : join(import.meta.dirname, "..", "..", "..", "shared", "zoom-openapi");
export const specsPresent = existsSync(join(SPEC_DIR, "catalog-map.json"));

export interface OutgoingRequest {
  readonly method: string;
  /** Path below the API base, percent-encoded as sent. */
  readonly path: string;
  readonly query: Record<string, string>;
  readonly contentType?: string;
  readonly body?: unknown;
}

export interface Verdict {
  readonly valid: boolean;
  readonly errors: string[];
}

const backends = new Map<string, Promise<OpenAPIBackend>>();
const specs = new Map<string, Json>();

function load(file: string): Json {
  let spec = specs.get(file);
  if (!spec) {
    spec = JSON.parse(readFileSync(join(SPEC_DIR, file), "utf8")) as Json;
    specs.set(file, spec);
  }
  return spec;
}

async function backend(key: string, definition: () => Json): Promise<OpenAPIBackend> {
  let api = backends.get(key);
  if (!api) {
    const created = new OpenAPIBackend({
      definition: definition() as any,
      quick: true,
      validate: true,
      strict: false,
      lazyCompileValidators: true,
      ajvOpts: { strict: false, allErrors: true, code: { optimize: false } },
      customizeAjv: (ajv) => {
        addFormats.default(ajv as any);
        // OpenAPI's numeric and binary formats are type hints, not string formats.
        for (const f of ["int32", "int64", "float", "double", "byte", "binary", "password"]) ajv.addFormat(f, true);
        return ajv;
      },
    });
    api = created.init().then((ready) => {
      // The router flattens every operation of the file on each match and lookup; the definition never
      // changes after init, so flatten once (a file of 400 operations otherwise costs O(n) per request).
      const operations = ready.router.getOperations();
      ready.router.getOperations = () => operations;
      return ready;
    });
    backends.set(key, api);
  }
  return api;
}

/** Swagger 2.0 parameter -> OpenAPI 3.0 parameter or body part. */
function legacyOperation(spec: Json, method: string, path: string): Json {
  const op = spec.paths[path][method.toLowerCase()] as Json;
  const resolve = (p: Json): Json => (p.$ref ? spec.parameters?.[String(p.$ref).split("/").pop()!] ?? p : p);
  const parameters: Json[] = [];
  let body: Json | undefined;
  const form: Json = { type: "object", properties: {}, required: [] };
  for (const raw of ((spec.paths[path].parameters ?? []) as Json[]).concat(op.parameters ?? [])) {
    const p = resolve(raw);
    if (p.in === "body") body = { content: { "application/json": { schema: p.schema ?? {} } }, required: !!p.required };
    else if (p.in === "formData") {
      form.properties[p.name] = p.type === "file" ? { type: "string", format: "binary" } : { type: p.type };
      if (p.required) form.required.push(p.name);
    } else {
      const { name, in: where, required, description: _d, ...schema } = p;
      parameters.push({ name, in: where, required: where === "path" || !!required, schema });
    }
  }
  if (Object.keys(form.properties).length) body = { content: { "multipart/form-data": { schema: form } } };
  return { operationId: "legacy", parameters, ...(body ? { requestBody: body } : {}), responses: { 200: { description: "ok" } } };
}

function definitionFor(file: string, method: string, path: string): { key: string; definition: () => Json } {
  if (file.endsWith(".oas2.json")) {
    return {
      key: `${file} ${method} ${path}`,
      definition: () => {
        const spec = load(file);
        // Definitions are referenced as #/definitions/...; keep them reachable from the restated operation.
        return { openapi: "3.0.0", info: { title: "legacy", version: "1" }, paths: { [path]: { [method.toLowerCase()]: legacyOperation(spec, method, path) } }, definitions: spec.definitions ?? {} };
      },
    };
  }
  return { key: file, definition: () => load(file) };
}

/** A named correction of one spec defect (scripts/conformance-exceptions.json), applied to one operation. */
export interface Correction {
  readonly correction: "oneOf-as-anyOf" | "declare-path-param" | "optional-field" | "enum-to-items" | "drop-format" | "drop-enum" | "drop-pattern" | "drop-empty-body" | "binary-file";
  /** Field (or comma-separated fields) the correction touches, where it touches one. */
  readonly field?: string;
}

/** Applies `fix` to every schema node under `node` (parameters, bodies, nested properties, items). */
function walk(node: unknown, fix: (schema: Json, name?: string) => void, name?: string): void {
  if (Array.isArray(node)) return node.forEach((n) => walk(n, fix));
  if (!node || typeof node !== "object") return;
  const schema = node as Json;
  fix(schema, name);
  for (const [k, v] of Object.entries(schema)) {
    if (k === "properties" && v && typeof v === "object") for (const [prop, sub] of Object.entries(v as Json)) walk(sub, fix, prop);
    else if (k !== "properties") walk(v, fix, k === "items" ? name : undefined);
  }
}

/** The operation with one spec defect corrected. */
export function correctOperation(op: Json, path: string, fix: Correction): Json {
  const out = structuredClone(op);
  const fields = new Set((fix.field ?? "").split(",").filter(Boolean));
  switch (fix.correction) {
    case "oneOf-as-anyOf":
      walk(out, (s) => {
        if (Array.isArray(s.oneOf)) {
          s.anyOf = s.oneOf;
          delete s.oneOf;
        }
      });
      break;
    case "declare-path-param":
      for (const name of fields) if (path.includes(`{${name}}`)) (out.parameters ??= []).push({ name, in: "path", required: true, schema: { type: "string" } });
      break;
    case "optional-field":
      walk(out, (s) => {
        if (Array.isArray(s.required)) s.required = s.required.filter((r: string) => !fields.has(r));
      });
      break;
    case "enum-to-items":
      walk(out, (s, name) => {
        if (name && fields.has(name) && s.type === "array" && Array.isArray(s.enum) && s.items) {
          s.items = { ...s.items, enum: s.enum };
          delete s.enum;
        }
      });
      break;
    case "drop-empty-body":
      // OpenAPI 3.0 requires a requestBody's `content`; one without it describes no body at all.
      if (out.requestBody && !out.requestBody.content) delete out.requestBody;
      break;
    case "drop-format":
    case "drop-enum":
    case "drop-pattern":
      walk(out, (s, name) => {
        if (name && fields.has(name)) delete s[fix.correction.slice("drop-".length)];
      });
      break;
    case "binary-file":
      // A file part of a multipart form is a string of bytes (`format: binary`), whatever type the spec gives it.
      walk(out, (s, name) => {
        if (name && fields.has(name) && s.type !== "string") {
          for (const k of ["type", "properties", "required", "additionalProperties"]) delete s[k];
          Object.assign(s, { type: "string", format: "binary" });
        }
      });
      break;
  }
  return out;
}

/** Splits a comma-joined query value into an array where the spec declares an array parameter. */
function queryFor(spec: Json | undefined, method: string, path: string, query: Record<string, string>): Record<string, unknown> {
  const params: Json[] = spec?.paths?.[path]?.[method.toLowerCase()]?.parameters ?? [];
  const out: Record<string, unknown> = { ...query };
  for (const p of params) {
    const schema = p.schema ?? p;
    if (p.in === "query" && schema.type === "array" && typeof out[p.name] === "string") out[p.name] = (out[p.name] as string).split(",");
  }
  return out;
}

/**
 * A multipart body's text fields read as the spec types them: on the wire every form field is text,
 * so a boolean field carries "true", a number its digits, and an array of one file one part.
 */
function formFor(spec: Json | undefined, method: string, path: string, body: unknown): unknown {
  const schema = spec?.paths?.[path]?.[method.toLowerCase()]?.requestBody?.content?.["multipart/form-data"]?.schema as Json | undefined;
  if (!schema?.properties || !body || typeof body !== "object") return body;
  const out: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const [name, value] of Object.entries(out)) {
    const type = (schema.properties[name] as Json | undefined)?.type;
    if (typeof value !== "string") continue;
    if (type === "array") out[name] = [value];
    else if (type === "boolean" && (value === "true" || value === "false")) out[name] = value === "true";
    else if ((type === "integer" || type === "number") && value.trim() !== "" && !Number.isNaN(Number(value))) out[name] = Number(value);
  }
  return out;
}

/** The definition of one operation of a current (OpenAPI 3) spec file, with a correction applied. */
function correctedFor(file: string, method: string, path: string, fix: Correction): { key: string; definition: () => Json } {
  return {
    key: `${file} ${method} ${path} ${fix.correction}`,
    definition: () => {
      const spec = load(file);
      const op = spec.paths[path][method.toLowerCase()] as Json;
      return { openapi: spec.openapi, info: spec.info, paths: { [path]: { [method.toLowerCase()]: correctOperation(op, path, fix) } }, components: spec.components ?? {} };
    },
  };
}

/**
 * Validates one request against the operation `method path` of `file` (a spec file in
 * ../shared/zoom-openapi), as written, or with one named correction of a spec defect.
 */
export async function validateRequest(file: string, method: string, templatePath: string, request: OutgoingRequest, fix?: Correction): Promise<Verdict> {
  const { key, definition } = fix && !file.endsWith(".oas2.json") ? correctedFor(file, method, templatePath, fix) : definitionFor(file, method, templatePath);
  const api = await backend(key, definition);
  const spec = file.endsWith(".oas2.json") ? undefined : load(file);
  const oasRequest: OasRequest = {
    method: request.method.toLowerCase(),
    path: request.path,
    query: queryFor(spec, method, templatePath, request.query) as Record<string, string | string[]>,
    headers: { "content-type": request.contentType ?? "application/json" },
    ...(request.body !== undefined ? { body: request.contentType === "multipart/form-data" ? formFor(spec, method, templatePath, request.body) : request.body } : {}),
  };
  const operation = api.matchOperation(oasRequest);
  if (!operation || operation.path !== templatePath || operation.method !== method.toLowerCase()) {
    return { valid: false, errors: [`request ${request.method} ${request.path} does not match ${method} ${templatePath} (matched ${operation ? `${operation.method} ${operation.path}` : "nothing"})`] };
  }
  let result: ReturnType<OpenAPIBackend["validateRequest"]>;
  try {
    result = api.validateRequest(oasRequest, operation);
  } catch (error) {
    // openapi-backend throws where the operation itself breaks OpenAPI's rules (a requestBody without `content`).
    return { valid: false, errors: [`the operation as written cannot be validated: ${(error as Error).message}`] };
  }
  return {
    valid: result.valid,
    errors: (result.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ""}`),
  };
}

/**
 * Validates a response body against the schema `file` documents for `method path` and `status`,
 * strictly: besides types, formats and enums, a field the schema does not name is an error.
 */
export async function validateResponse(file: string, method: string, templatePath: string, status: number, body: unknown): Promise<Verdict> {
  const m = method.toLowerCase();
  const api = await backend(`${file} ${method} ${templatePath} strict response`, () => {
    const spec = load(file);
    const op = structuredClone(spec.paths[templatePath][m]) as Json;
    walk(op.responses, (s) => {
      if (s.type === "object" && s.properties && s.additionalProperties === undefined) s.additionalProperties = false;
    });
    return { openapi: spec.openapi, info: spec.info, paths: { [templatePath]: { [m]: op } }, components: spec.components ?? {} };
  });
  const operation = api.getOperations().find((o) => o.path === templatePath && o.method === m);
  if (!operation) return { valid: false, errors: [`${file} has no operation ${method} ${templatePath}`] };
  const result = api.validateResponse(body, operation, status);
  return {
    valid: result.valid,
    errors: (result.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ""}`),
  };
}
