/**
 * npm run generate: Zoom's OpenAPI data (../shared/zoom-openapi) + our descriptions
 * (scripts/descriptions) + our overrides (scripts/overrides.json) -> the catalog as data:
 * src/catalog/<toolset>.json (one pretty-printed file per toolset), src/catalog/toolsets.json (their
 * order), src/catalog/sandbox-responses.json (example answers for the sandbox) and
 * src/catalog/SPEC-QUIRKS.md.
 *
 *   --draft   write placeholder text for missing descriptions instead of failing
 *   --check   write nothing; exit 1 when the committed output differs from a fresh run
 *
 * The spec files are read, never copied: the catalog holds facts (paths, names, types, enums,
 * limits, scopes, rate-limit labels) and our own descriptions.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { advertisedSchema } from "../src/catalog/advertise.js";
import { DEFAULT_LIMITS, PATTERNS } from "../src/catalog/patterns.js";
import { withControls } from "../src/tools/controls.js";
import { paramNames } from "../src/tools/params.js";
import type { CatalogEntry } from "../src/catalog/load.js";
import type { FieldPlacement, JsonSchema } from "../src/tools/define.js";
import { Descriptions, SpecProse } from "./descriptions.js";
import { extendedEntries, type ToolSetKind } from "./extended.js";
import { destructiveFromTitle, MAX_NAME, RULES, shortened, toolName, withoutOwner, withTitleVerb } from "./naming.js";
import { SpecReader, type CatalogEntry as SpecEntry, type Node, type Operation, type Prop } from "./spec.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const SHARED = process.env.ZOOM_MCP_SHARED_DIR ?? join(ROOT, "..", "shared");
export const OUT = join(ROOT, "src", "catalog");
const GENERATOR = "scripts/generate-catalog.ts";
/** Files in src/catalog that the generator does not own. */
const HAND_WRITTEN = /\.ts$/;

interface Overrides {
  readonly optional: Record<string, { fields: string[]; reason: string }>;
  readonly relaxedEnums: Record<string, { reason: string; pattern?: string }>;
}
const OVERRIDES = JSON.parse(readFileSync(join(ROOT, "scripts", "overrides.json"), "utf8")) as Overrides;

export function toolsetId(section: string): string {
  return section
    .replace("(Account-level)", "account")
    .replace("TrackingField", "Tracking Field")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");
}

const MASTER_NOTE = "Master account: acts on the sub account given by accountId.";
const LEGACY_NOTE = "Note: this endpoint is missing from Zoom's current API reference, so Zoom may have retired it.";

export interface Emitted {
  readonly file: string;
  readonly source: string;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 1)}\n`;

/** Generates every file in memory. Lists the problems when descriptions are missing or copied. */
export function generate(draft = false): { files: Emitted[]; problems: string[]; entries: CatalogEntry[]; extended: CatalogEntry[] } {
  const reader = new SpecReader(join(SHARED, "zoom-openapi"));
  const descriptions = new Descriptions(join(ROOT, "scripts", "descriptions"));
  reader.scanLegacyFile();
  const problems: string[] = [];
  const names = new Map<string, string>();
  const entries: CatalogEntry[] = [];
  const extended: (CatalogEntry & { set: ToolSetKind })[] = [];
  const responses: Record<string, { status: number; example?: unknown }> = {};
  const extendedResponses: Record<string, { status: number; example?: unknown }> = {};

  const ops = reader.catalog().map((entry) => ({ entry, op: reader.operation(entry), toolset: toolsetId(entry.section) }));
  const named = nameOperations(ops, ops, new Set());
  const coreToolsets = new Set(ops.map((o) => o.toolset));
  // The extended set is named after the catalog, so no catalog name changes; catalog names and aliases are taken.
  const extendedOps = extendedEntries(reader, join(SHARED, "zoom-openapi"), coreToolsets).map((entry) => ({ entry, op: reader.operation(entry), toolset: entry.toolset, ext: entry }));
  const extendedNamed = nameOperations(extendedOps, [...ops, ...extendedOps], new Set(named.flatMap((n) => [n.name, n.pathName])));
  const toolsetOfKey = new Map([...ops, ...extendedOps].map((o) => [o.op.key, o.toolset]));

  const all = [...ops.map((o, i) => ({ ...o, ext: undefined, ...named[i]! })), ...extendedOps.map((o, i) => ({ ...o, ...extendedNamed[i]! }))];
  const finalNames = new Set(all.map((t) => t.name));
  for (const { entry, op, toolset, ext, name, pathName } of all) {
    if (names.has(name)) problems.push(`name ${name} is used by both ${names.get(name)} and ${op.key}`);
    names.set(name, op.key);
    if (name.length > MAX_NAME) problems.push(`name ${name} is ${name.length} characters (max ${MAX_NAME})`);
    // The first step's name stays an alias, where a client could send it at all.
    const aliases = pathName !== name && pathName.length <= MAX_NAME && !finalNames.has(pathName) ? [pathName] : [];
    const twin = ext?.twin && toolsetOfKey.has(ext.twin) ? { key: ext.twin, toolset: toolsetOfKey.get(ext.twin)! } : undefined;
    const made = catalogEntry(reader, entry, op, toolset, name, aliases, descriptions, new SpecProse(op.specText), problems, draft, twin);
    if (ext) {
      extended.push({ ...made, set: ext.set });
      extendedResponses[name] = op.response;
    } else {
      entries.push(made);
      responses[name] = op.response;
    }
  }
  for (const alias of [...entries, ...extended].flatMap((e) => e.aliases ?? [])) {
    if (names.has(alias)) problems.push(`alias ${alias} is also the name of ${names.get(alias)}`);
  }
  for (const stale of descriptions.unknownTools(new Set(all.map(({ op }) => op.key)))) {
    problems.push(`description for an unknown endpoint: ${stale}`);
  }

  const toolsets = [...new Set(entries.map((e) => e.toolset))];
  const generated = `Generated by ${GENERATOR} from Zoom's OpenAPI data and scripts/descriptions. Do not edit: change those, then run npm run generate.`;
  const files: Emitted[] = toolsets.map((toolset) => ({
    file: `${toolset}.json`,
    source: json({ generated, toolset, tools: entries.filter((e) => e.toolset === toolset) }),
  }));
  files.push({ file: "toolsets.json", source: json({ generated, toolsets }) });
  files.push({
    file: "sandbox-responses.json",
    source: json({
      generated: `Generated by ${GENERATOR} from the response schemas and examples in Zoom's OpenAPI data: types and example values, no prose. Read only in sandbox mode.`,
      responses,
    }),
  });
  files.push({ file: "SPEC-QUIRKS.md", source: emitQuirks(reader.quirks, [...entries, ...extended], problems) });
  files.push(...extendedFiles(extended, extendedResponses, descriptions, problems, draft));
  return { files, problems, entries, extended };
}

function catalogEntry(
  reader: SpecReader,
  entry: SpecEntry,
  op: Operation,
  toolset: string,
  name: string,
  aliases: readonly string[],
  descriptions: Descriptions,
  prose: SpecProse,
  problems: string[],
  draft: boolean,
  twin?: { readonly key: string; readonly toolset: string },
): CatalogEntry {
  const override = OVERRIDES.optional[op.key];
  const quirk = (what: string, handling: string) => reader.quirk(op.key, what, handling);
  // A master-account operation says what its twin on one's own account says, unless it has words of its own.
  const describe = (path: string, prop?: Prop): string => {
    let text = descriptions.field(toolset, op.key, path) ?? (twin && descriptions.field(twin.toolset, twin.key, path));
    if (!text) {
      if (!draft) problems.push(`${toolset}: ${op.key}: field ${path} has no description`);
      text = `TODO: describe ${path}.`;
    }
    const copied = text.startsWith("TODO: ") ? undefined : prose.copied(text);
    if (copied) problems.push(`${toolset}: ${op.key}: field ${path} copies Zoom's prose (${copied})`);
    if (prop?.variants) text += ` Body variant ${prop.variants.join(" or ")} only.`;
    return text;
  };
  const ctx: SchemaContext = { path: "", describe, quirk };

  let toolDescription = descriptions.tool(toolset, op.key);
  const twinDescription = twin && descriptions.tool(twin.toolset, twin.key);
  if (!toolDescription && twinDescription) toolDescription = `${twinDescription}\n${MASTER_NOTE}`;
  if (!toolDescription) {
    if (!draft) problems.push(`${toolset}: ${op.key}: no tool description`);
    toolDescription = `TODO: describe ${entry.title}.`;
  }
  const copied = toolDescription.startsWith("TODO: ") ? undefined : prose.copied(toolDescription);
  if (copied) problems.push(`${toolset}: ${op.key}: tool description copies Zoom's prose (${copied})`);
  if (op.legacy) toolDescription += `\n${LEGACY_NOTE}`;

  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  const pathParams: string[] = [];
  const query: FieldPlacement[] = [];
  const body: FieldPlacement[] = [];
  const taken = new Set<string>();
  const add = (field: string, schema: JsonSchema, isRequired: boolean) => {
    properties[field] = schema;
    if (isRequired) required.push(field);
  };
  for (const param of op.params) {
    taken.add(param.name);
    const description = describe(param.name);
    if (param.in === "path") {
      pathParams.push(param.name);
      add(param.name, { description, ...pathParamSchema(param.node, param.name) }, true);
    } else {
      query.push({ name: param.name });
      const schema = MEETING_ID.test(param.name) && param.node.kind === "string" ? meetingIdSchema() : schemaOf(param.node, { ...ctx, path: param.name });
      add(param.name, { description, ...schema }, param.required && !override?.fields.includes(param.name));
    }
  }

  let upload: { formField: string } | null = null;
  if (op.body?.kind === "object" && op.multipart) {
    const field = op.fileField ?? Object.keys(op.body.properties)[0]!;
    upload = { formField: field };
    // The form's other fields travel as text fields next to the file.
    for (const [name, prop] of Object.entries(op.body.properties)) {
      if (name === field) continue;
      const input = taken.has(name) ? `body_${name}` : name;
      body.push(input === name ? { name } : { name: input, wire: name });
      add(input, { description: describe(name, prop), ...schemaOf(prop.node, { ...ctx, path: name }) }, prop.required && !override?.fields.includes(name));
    }
    add("file_path", { description: "Path of a local file to upload (read by the zoom-mcp process). Give this or file_base64.", type: "string", minLength: 1 }, false);
    add("file_base64", { description: "The file's bytes, base64-encoded. Give this or file_path.", type: "string", minLength: 1 }, false);
    add("file_name", { description: "File name sent to Zoom, with its extension (e.g. background.png). Required with file_base64; defaults to the file_path's name.", type: "string", minLength: 1, maxLength: 255 }, false);
  } else if (op.body?.kind === "object") {
    for (const [field, prop] of Object.entries(op.body.properties)) {
      const input = taken.has(field) ? `body_${field}` : field;
      body.push(input === field ? { name: field } : { name: input, wire: field });
      add(input, { description: describe(field, prop), ...schemaOf(prop.node, { ...ctx, path: field }) }, prop.required && !override?.fields.includes(field));
    }
  } else if (op.body) {
    body.push({ name: "body", wire: "" });
    add("body", { description: describe("body"), ...schemaOf(op.body, { ...ctx, path: "body" }) }, true);
  }

  const destructive = destructiveFromTitle(op.method, entry.title);
  const spec = {
    name,
    ...(aliases.length ? { aliases } : {}),
    title: entry.title,
    toolset,
    method: op.method as CatalogEntry["method"],
    path: op.path,
    description: toolDescription,
    scopes: op.scopes,
    rateLimit: (op.rateLimit as CatalogEntry["rateLimit"]) ?? null,
    legacy: op.legacy,
    pathParams,
    queryParams: query,
    bodyParams: body,
    bodyEncoding: upload ? "multipart" : "json",
    upload,
    paginated: op.params.some((p) => p.in === "query" && p.name === "next_page_token"),
    source: `${op.file}#${op.operationId}`,
    ...(override ? { override: override.reason } : {}),
    ...(destructive !== undefined ? { destructive } : {}),
  };
  // The validating schema, with the result controls that apply, and the lighter form tools/list serves.
  const inputSchema = withControls(spec, { type: "object", properties, ...(required.length ? { required } : {}), additionalProperties: false });
  return { ...spec, inputSchema, listedSchema: advertisedSchema(inputSchema) };
}

/** A path parameter: Zoom's int64 IDs take a number or a digit string; any other one is one safe segment, or one of the spec's values. */
function pathParamSchema(node: Node, name: string): JsonSchema {
  if (node.kind === "integer") {
    if (node.enum?.length) return { anyOf: [{ type: "integer", enum: node.enum }, { type: "string", enum: node.enum.map(String) }] };
    return { anyOf: [{ type: "integer", minimum: 0 }, { type: "string", pattern: PATTERNS.digits.pattern }] };
  }
  if (node.kind === "string" && node.enum?.length) return { type: "string", enum: node.enum };
  if (MEETING_ID.test(name)) return meetingIdSchema();
  const own = node.kind === "string" ? node : undefined;
  return clean({ type: "string", minLength: Math.max(1, own?.minLength ?? 1), maxLength: own?.maxLength, pattern: PATTERNS.pathId.pattern });
}

/**
 * Meeting and webinar IDs the spec types as a string (where Zoom also takes a UUID, e.g. past
 * meetings, reports, recordings) still take the numeric ID Zoom returned, as a number, like
 * their int64 siblings; a string is a digit ID or a UUID in one safe segment.
 */
const MEETING_ID = /^(meeting|webinar)_?id$/i;
function meetingIdSchema(): JsonSchema {
  return { anyOf: [{ type: "integer", minimum: 0 }, { type: "string", minLength: 1, pattern: PATTERNS.pathId.pattern }] };
}

interface SchemaContext {
  readonly path: string;
  readonly quirk: (quirk: string, handling: string) => void;
  readonly describe: (path: string, prop?: Prop) => string;
}

/** The validating JSON Schema of one node. Object fields get their own descriptions; the caller describes the node itself. */
function schemaOf(node: Node, ctx: SchemaContext): JsonSchema {
  const relaxed = ctx.path in OVERRIDES.relaxedEnums;
  if ("enum" in node && node.enum?.length && relaxed) {
    ctx.quirk(`\`${ctx.path}\`: enum ${JSON.stringify(node.enum)}`, `${OVERRIDES.relaxedEnums[ctx.path]!.reason} The field takes any ${node.kind}.`);
  }
  switch (node.kind) {
    case "string": {
      if (node.enum?.length && !relaxed) return clean({ type: "string", enum: node.enum, default: defaultOf(node.default) });
      const pattern = relaxed ? (OVERRIDES.relaxedEnums[ctx.path]!.pattern ?? node.pattern) : node.pattern;
      return clean({
        type: "string",
        format: node.format,
        pattern,
        minLength: node.minLength,
        maxLength: node.maxLength,
        default: defaultOf(node.default),
      });
    }
    case "date":
      // The pattern gives the shape to clients that ignore formats; validation checks the calendar.
      return { type: "string", format: "date", pattern: PATTERNS.date.pattern };
    case "integer":
    case "number": {
      if (node.enum?.some((v) => !Number.isSafeInteger(v) && Number.isInteger(v))) {
        const big = node.enum.filter((v) => !Number.isSafeInteger(v));
        ctx.quirk(
          `${ctx.path}: integer enum values beyond 2^53 (${big.join(", ")})`,
          `Each is a power of two (${big.map((v) => `2^${Math.log2(v)}`).join(", ")}) printed rounded in the spec. A JSON number holds a power of two exactly, so the enum keeps the spec's values and the field travels as a JSON number: the bytes sent are JavaScript's shortest form of that double (e.g. 72057594037927940 for 2^56), which a reader parsing doubles gets back exactly. A reader parsing int64 from those digits would get the spec's rounded figure; that is the spec's own literal, so we send what the spec writes.`,
        );
      }
      if (node.enum?.length && !relaxed) return clean({ type: node.kind, enum: node.enum, default: defaultOf(node.default) });
      return clean({ type: node.kind, minimum: node.minimum, maximum: node.maximum, exclusiveMinimum: node.exclusiveMinimum, exclusiveMaximum: node.exclusiveMaximum, default: defaultOf(node.default) });
    }
    case "boolean":
      return clean({ type: "boolean", default: defaultOf(node.default) });
    case "array":
      return clean({ type: "array", items: schemaOf(node.items, { ...ctx, path: `${ctx.path}[]` }), minItems: node.minItems, maxItems: node.maxItems, uniqueItems: node.uniqueItems });
    case "object": {
      const properties: Record<string, JsonSchema> = {};
      const required: string[] = [];
      for (const [name, prop] of Object.entries(node.properties)) {
        const path = `${ctx.path}.${name}`;
        properties[name] = { description: ctx.describe(path, prop), ...schemaOf(prop.node, { ...ctx, path }) };
        if (prop.required) required.push(name);
      }
      return { type: "object", properties, ...(required.length ? { required } : {}), additionalProperties: false };
    }
    case "record":
      // Zoom documents these as objects with keys of the caller's choosing.
      return { type: "object" };
    case "union":
      return { anyOf: node.variants.map((v) => schemaOf(v, ctx)) };
    case "any":
      return {};
  }
}

const defaultOf = (value: unknown) => (value === "" ? undefined : value);

function clean(schema: Record<string, unknown>): JsonSchema {
  return Object.fromEntries(Object.entries(schema).filter(([, v]) => v !== undefined));
}

interface ConformanceException {
  readonly source: string;
  readonly fill: ("required" | "every")[];
  readonly correction: string;
  readonly field?: string;
  readonly reason: string;
}

/** The conformance test's named exceptions (scripts/conformance-exceptions.json), each a spec defect or one of our overrides. */
function conformanceExceptions(): Record<string, ConformanceException> {
  return (JSON.parse(readFileSync(join(ROOT, "scripts", "conformance-exceptions.json"), "utf8")) as { exceptions: Record<string, ConformanceException> }).exceptions;
}

const FILLS = { required: "required fields", every: "every field" } as const;

function emitQuirks(quirks: SpecReader["quirks"], entries: readonly CatalogEntry[], problems: string[]): string {
  const exceptions = Object.entries(conformanceExceptions());
  for (const [tool, e] of exceptions) {
    const entry = entries.find((x) => x.name === tool);
    if (!entry) problems.push(`conformance exception for an unknown tool: ${tool}`);
    else if (entry.source !== e.source) problems.push(`conformance exception ${tool}: source ${e.source} is not the tool's (${entry.source})`);
  }
  const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
  return [
    `<!-- Generated by ${GENERATOR}. Do not edit. -->`,
    "# Spec quirks and how the generator handles them",
    "",
    "Zoom's OpenAPI files have a few defects. None is dropped silently: each one found while reading the",
    "operations of the catalog and of the extended and master-account sets is listed here with what the",
    "generator did about it.",
    "",
    "| where | quirk | handling |",
    "|---|---|---|",
    ...quirks.map((q) => `| ${q.where} | ${q.quirk} | ${q.handling} |`),
    "",
    "## Default length limits",
    "",
    `Where the spec gives a string no \`maxLength\`, validation (src/tools/validate.ts) applies one so that no input can make a request arbitrarily large: ${DEFAULT_LIMITS.id} characters for path parameters, IDs and query values, ${DEFAULT_LIMITS.text} for free text in a body. The spec's own limits always win, and enums, formats and dates carry their own bounds.`,
    "",
    "## Spec-conformance exceptions",
    "",
    "test/spec-conformance.test.ts (the catalog) and test/spec-conformance-extended.test.ts (the extended and master-account",
    "sets) send sample arguments for every tool (once with the required fields only, once with every field) and validate",
    "the request against the spec operation the tool came from. These tools' requests fail as",
    "the spec is written because of a defect in the spec (or one of our documented overrides). Each names the correction",
    "the test applies to that one operation; the request must pass once it is applied. Data: scripts/conformance-exceptions.json.",
    "",
    "| tool | operation | fails with | correction | reason |",
    "|---|---|---|---|---|",
    ...exceptions.map(([tool, e]) => `| \`${tool}\` | ${e.source} | ${e.fill.map((f) => FILLS[f]).join(", ")} | ${e.correction}${e.field ? ` (${e.field})` : ""} | ${cell(e.reason)} |`),
    "",
  ].join("\n");
}

/** Generated files now in src/catalog (hand-written modules excluded). */
export function generatedFilesOnDisk(): string[] {
  if (!existsSync(OUT)) return [];
  const sub = join(OUT, "extended");
  const nested = existsSync(sub) ? readdirSync(sub).map((f) => `extended/${f}`) : [];
  return [...readdirSync(OUT).filter((f) => f !== "extended"), ...nested].filter((f) => !HAND_WRITTEN.test(f));
}

function main(): void {
  const args = new Set(process.argv.slice(2));
  if (!existsSync(join(SHARED, "zoom-openapi", "catalog-map.json"))) {
    console.error(`generate-catalog: Zoom's spec data is not at ${SHARED}/zoom-openapi (set ZOOM_MCP_SHARED_DIR).`);
    process.exit(2);
  }
  const { files, problems } = generate(args.has("--draft"));
  if (problems.length) {
    console.error(`generate-catalog: ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    if (!args.has("--draft")) process.exit(1);
  }
  const stale = files.filter((f) => !existsSync(join(OUT, f.file)) || readFileSync(join(OUT, f.file), "utf8") !== f.source);
  const extra = generatedFilesOnDisk().filter((name) => !files.some((f) => f.file === name));
  if (args.has("--check")) {
    if (stale.length || extra.length) {
      console.error(`generate-catalog: the committed output is stale: ${[...stale.map((f) => f.file), ...extra].join(", ")}`);
      process.exit(1);
    }
    console.error(`generate-catalog: ${files.length} files up to date.`);
    return;
  }
  mkdirSync(join(OUT, "extended"), { recursive: true });
  for (const name of extra) rmSync(join(OUT, name));
  for (const f of stale) writeFileSync(join(OUT, f.file), f.source);
  console.error(`generate-catalog: ${stale.length} of ${files.length} files written to ${relative(ROOT, OUT)}${extra.length ? `, ${extra.length} removed` : ""}.`);
}

interface Named {
  readonly op: Operation;
  readonly entry: SpecEntry;
}

/**
 * Names for a batch of operations: step one from method and path (collections judged over the
 * whole universe of paths), its clash clause, then step two. `reserved` names (the catalog's, when
 * naming the extended set) are never given out again: a clash with one takes the longer form.
 */
function nameOperations(batch: readonly Named[], universe: readonly Named[], reserved: ReadonlySet<string>): { name: string; pathName: string }[] {
  // A path with an item path right below it (`/tsp` and `/tsp/{tspId}`) is a collection too.
  const collection = batch.map(({ op }) => op.returnsCollection || universe.some(({ op: o }) => o.path.startsWith(`${op.path}/{`) && !o.path.slice(op.path.length + 1).includes("/")));
  const firstNames = batch.map(({ op }, i) => toolName(op.method, op.path, collection[i]!));
  // Step one's clash clause: the longer of two clashing paths keeps its repeated words.
  const pathNames = batch.map(({ op }, i) => {
    const clash = reserved.has(firstNames[i]!) || batch.some(({ op: other }, j) => j !== i && firstNames[j] === firstNames[i] && other.path.length < op.path.length);
    return clash ? toolName(op.method, op.path, collection[i]!, false) : firstNames[i]!;
  });
  const finalNames = namesThatSayWhatTheyDo(
    batch.map(({ entry, op }, i) => ({ key: op.key, method: op.method, path: op.path, title: entry.title, name: pathNames[i]! })),
    new Set(universe.map(({ op }) => op.path)),
    reserved,
  );
  // A first-step name that is reserved is no alias: it names another tool.
  return batch.map((_, i) => ({ name: finalNames[i]!, pathName: reserved.has(pathNames[i]!) ? finalNames[i]! : pathNames[i]! }));
}

interface Naming {
  readonly key: string;
  readonly method: string;
  readonly path: string;
  readonly title: string;
  /** Step one's name, from method and path. */
  readonly name: string;
}

/**
 * Step two of the naming rule (scripts/naming.ts, data in scripts/naming-rules.json): the title's
 * verb, then the owner segment dropped where the shorter name is free, then the overrides.
 */
function namesThatSayWhatTheyDo(tools: readonly Naming[], paths: ReadonlySet<string>, reserved: ReadonlySet<string>): string[] {
  const verbed = tools.map((t) => RULES.overrides[t.key]?.name ?? withTitleVerb(t.name, t.title));
  const taken = new Set([...verbed, ...tools.map((t) => t.name), ...reserved]);
  return tools.map((t, i) => {
    if (RULES.overrides[t.key]) return verbed[i]!;
    const shorter = withoutOwner(verbed[i]!, t.path, paths);
    const chosen = shorter && !taken.has(shorter) ? shorter : verbed[i]!;
    // A title verb can land on a reserved name; the path's own name is then kept.
    const name = reserved.has(chosen) && chosen !== t.name ? t.name : chosen;
    return shortened(name);
  });
}

/** The extended set as data: one file per toolset under src/catalog/extended, and the index the server starts from. */
function extendedFiles(
  tools: readonly (CatalogEntry & { set: ToolSetKind })[],
  responses: Record<string, { status: number; example?: unknown }>,
  descriptions: Descriptions,
  problems: string[],
  draft: boolean,
): Emitted[] {
  const generated = `Generated by ${GENERATOR} from Zoom's OpenAPI data and scripts/descriptions. Do not edit: change those, then run npm run generate.`;
  const toolsets = [...new Set(tools.map((t) => t.toolset))];
  const about: Record<string, { set: ToolSetKind; description: string; tools: number }> = {};
  for (const id of toolsets) {
    const set = tools.find((t) => t.toolset === id)!.set;
    let description = descriptions.toolset(id) ?? (set === "master_account" ? MASTER_TOOLSETS[id] : undefined);
    if (!description) {
      if (!draft) problems.push(`${id}: no toolset description`);
      description = `TODO: describe the ${id} toolset.`;
    }
    about[id] = { set, description, tools: tools.filter((t) => t.toolset === id).length };
  }
  const files: Emitted[] = toolsets.map((toolset) => ({
    file: `extended/${toolset}.json`,
    source: json({ generated, toolset, set: about[toolset]!.set, tools: tools.filter((e) => e.toolset === toolset) }),
  }));
  // What search, describe's lookup and selection need before a toolset's file is read. A lookup
  // table, not the snapshot (the toolset files are), so it is written compact: it is read on first use.
  const index = tools.map((t) => ({ ...Object.fromEntries(INDEXED.filter((k) => k in t).map((k) => [k, t[k]])), params: paramNames(t.inputSchema) }));
  files.push({ file: "extended/index.json", source: `${JSON.stringify({ generated, toolsets: about, tools: index })}\n` });
  files.push({
    file: "extended/sandbox-responses.json",
    source: json({
      generated: `Generated by ${GENERATOR} from the response schemas and examples in Zoom's OpenAPI data: types and example values, no prose. Read only in sandbox mode.`,
      responses,
    }),
  });
  return files;
}

/** The fields of an extended tool that its index entry carries; the rest are read with its toolset's file. */
const INDEXED = ["name", "aliases", "title", "toolset", "set", "method", "path", "description", "scopes", "rateLimit", "legacy", "destructive", "paginated"] as const;

const MASTER_TOOLSETS: Record<string, string> = {
  master_account_accounts: "Master accounts: account settings, options and managed domains of a sub account.",
  master_account_billing: "Master accounts: invoice reports, renewals and invoice files of sub accounts.",
  master_account_meetings: "Master accounts: meetings, webinars, recordings, reports and dashboards of a sub account.",
  master_account_phone: "Master accounts: Zoom Phone of a sub account: users, numbers, sites, queues, devices and settings.",
  master_account_rooms: "Master accounts: Zoom Rooms, locations and devices of a sub account.",
  master_account_users: "Master accounts: users, groups and their settings in a sub account.",
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
