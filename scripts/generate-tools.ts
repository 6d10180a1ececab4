/**
 * npm run generate: Zoom's OpenAPI data (../shared/zoom-openapi) + our descriptions
 * (scripts/descriptions) -> one tool module per catalog endpoint under src/tools/generated/.
 *
 *   --draft   write placeholder text for missing descriptions instead of failing
 *   --check   write nothing; exit 1 when the committed output differs from a fresh run
 *
 * The spec files are read, never copied: the modules hold facts (paths, names, types, enums,
 * limits, scopes, rate-limit labels) and our own descriptions.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Descriptions, SpecProse } from "./descriptions.js";
import { toolName } from "./naming.js";
import { OVERRIDES, RELAXED_ENUMS } from "./overrides.js";
import { SpecReader, type CatalogEntry, type Node, type Operation, type Prop } from "./spec.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const SHARED = process.env.ZOOM_MCP_SHARED_DIR ?? join(ROOT, "..", "shared");
const OUT = join(ROOT, "src", "tools", "generated");
const GENERATOR = "scripts/generate-tools.ts";
const MAX_NAME = 48;

export function toolsetId(section: string): string {
  return section
    .replace("(Account-level)", "account")
    .replace("TrackingField", "Tracking Field")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");
}

const LEGACY_NOTE = "Note: this endpoint is missing from Zoom's current API reference, so Zoom may have retired it.";

interface Emitted {
  readonly file: string;
  readonly source: string;
}

/** Generates every module in memory. Throws with the list of problems when descriptions are missing or copied. */
export function generate(draft = false): { files: Emitted[]; problems: string[]; quirks: SpecReader["quirks"] } {
  const reader = new SpecReader(join(SHARED, "zoom-openapi"));
  const descriptions = new Descriptions(join(ROOT, "scripts", "descriptions"));
  reader.scanLegacyFile();
  const problems: string[] = [];
  const names = new Map<string, string>();
  const files: Emitted[] = [];
  const index: { toolset: string; name: string }[] = [];
  const responses: Record<string, { status: number; example?: unknown }> = {};

  const ops = reader.catalog().map((entry) => ({ entry, op: reader.operation(entry) }));
  // A path with an item path right below it (`/tsp` and `/tsp/{tspId}`) is a collection too.
  const collection = ops.map(({ op }) => op.returnsCollection || ops.some(({ op: o }) => o.path.startsWith(`${op.path}/{`) && !o.path.slice(op.path.length + 1).includes("/")));
  const firstNames = ops.map(({ op }, i) => toolName(op.method, op.path, collection[i]!));
  for (const [i, { entry, op }] of ops.entries()) {
    const toolset = toolsetId(entry.section);
    // The naming rule's clash clause: the longer of two clashing paths keeps its repeated words.
    const clash = ops.some(({ op: other }, j) => j !== i && firstNames[j] === firstNames[i] && other.path.length < op.path.length);
    const name = clash ? toolName(op.method, op.path, collection[i]!, false) : firstNames[i]!;
    if (names.has(name)) problems.push(`name ${name} is used by both ${names.get(name)} and ${op.key}`);
    names.set(name, op.key);
    if (name.length > MAX_NAME) problems.push(`name ${name} is ${name.length} characters (max ${MAX_NAME})`);
    const source = emitModule(reader, entry, op, toolset, name, descriptions, new SpecProse(op.specText), problems, draft);
    files.push({ file: join(toolset, `${name}.ts`), source });
    index.push({ toolset, name });
    responses[name] = op.response;
  }
  for (const stale of descriptions.unknownTools(new Set(ops.map(({ op }) => op.key)))) {
    problems.push(`description for an unknown endpoint: ${stale}`);
  }
  files.push({ file: "index.ts", source: emitIndex(index) });
  files.push({ file: "SPEC-QUIRKS.md", source: emitQuirks(reader.quirks) });
  files.push({ file: "responses.ts", source: emitResponses(responses) });
  return { files, problems, quirks: reader.quirks };
}

function emitModule(
  reader: SpecReader,
  entry: CatalogEntry,
  op: Operation,
  toolset: string,
  name: string,
  descriptions: Descriptions,
  prose: SpecProse,
  problems: string[],
  draft: boolean,
): string {
  const override = OVERRIDES[op.key];
  const quirk = (what: string, handling: string) => reader.quirk(op.key, what, handling);
  const imports = new Set<string>();
  const describe = (path: string, prop?: Prop): string => {
    let text = descriptions.field(toolset, op.key, path);
    if (!text) {
      if (!draft) problems.push(`${toolset}: ${op.key}: field ${path} has no description`);
      text = `TODO: describe ${path}.`;
    }
    const copied = prose.copied(text);
    if (copied) problems.push(`${toolset}: ${op.key}: field ${path} copies Zoom's prose (${copied})`);
    if (prop?.variants) text += ` Only for body variant ${prop.variants.join(" or ")}; do not mix fields of different variants.`;
    return text;
  };

  let toolDescription = descriptions.tool(toolset, op.key);
  if (!toolDescription) {
    if (!draft) problems.push(`${toolset}: ${op.key}: no tool description`);
    toolDescription = `TODO: describe ${entry.title}.`;
  }
  const copied = prose.copied(toolDescription);
  if (copied) problems.push(`${toolset}: ${op.key}: tool description copies Zoom's prose (${copied})`);
  if (op.legacy) toolDescription += `\n${LEGACY_NOTE}`;

  const shape: string[] = [];
  const pathParams: string[] = [];
  const query: string[] = [];
  const body: string[] = [];
  const taken = new Set<string>();
  for (const param of op.params) {
    taken.add(param.name);
    const text = describe(param.name);
    if (param.in === "path") {
      pathParams.push(param.name);
      const helper = param.node.kind === "integer" ? "int64Id" : "pathString";
      imports.add(helper);
      shape.push(`${key(param.name)}: ${helper}(${JSON.stringify(text)})`);
    } else {
      query.push(`{ name: ${JSON.stringify(param.name)} }`);
      const required = param.required && !override?.optional?.includes(param.name);
      shape.push(`${key(param.name)}: ${zod(param.node, { path: param.name, describe, imports, quirk })}${required ? "" : ".optional()"}.describe(${JSON.stringify(text)})`);
    }
  }

  let upload: string | undefined;
  if (op.body?.kind === "object" && op.multipart) {
    const [field] = Object.keys(op.body.properties);
    upload = field;
    shape.push(
      `file_path: z.string().min(1).optional().describe(${JSON.stringify(`Path of a local file to upload (read by the zoom-mcp process). Give this or file_base64.`)})`,
      `file_base64: z.string().min(1).optional().describe(${JSON.stringify("The file's bytes, base64-encoded. Give this or file_path.")})`,
      `file_name: z.string().min(1).max(255).optional().describe(${JSON.stringify("File name sent to Zoom, with its extension (e.g. background.png). Required with file_base64; defaults to the file_path's name.")})`,
    );
  } else if (op.body?.kind === "object") {
    for (const [field, prop] of Object.entries(op.body.properties)) {
      const input = taken.has(field) ? `body_${field}` : field;
      body.push(input === field ? `{ name: ${JSON.stringify(field)} }` : `{ name: ${JSON.stringify(input)}, wire: ${JSON.stringify(field)} }`);
      const required = prop.required && !override?.optional?.includes(field);
      shape.push(`${key(input)}: ${zod(prop.node, { path: field, describe, imports, quirk })}${required ? "" : ".optional()"}.describe(${JSON.stringify(describe(field, prop))})`);
    }
  } else if (op.body) {
    body.push(`{ name: "body", wire: "" }`);
    shape.push(`body: ${zod(op.body, { path: "body", describe, imports, quirk })}.describe(${JSON.stringify(describe("body"))})`);
  }

  const lines = [
    `// Generated by ${GENERATOR} from ${op.file} (${op.operationId}). Do not edit: change the generator or scripts/descriptions, then run npm run generate.`,
    `import { z } from "zod";`,
    `import { defineTool } from "../../define.js";`,
    ...(imports.size ? [`import { ${[...imports].sort().join(", ")} } from "../../fields.js";`] : []),
    "",
    ...(override ? [`// Override: ${override.reason}`] : []),
    "export default defineTool({",
    `  name: ${JSON.stringify(name)},`,
    `  title: ${JSON.stringify(entry.title)},`,
    `  toolset: ${JSON.stringify(toolset)},`,
    `  method: ${JSON.stringify(op.method)},`,
    `  path: ${JSON.stringify(op.path)},`,
    `  description: ${JSON.stringify(toolDescription)},`,
    `  scopes: ${JSON.stringify(op.scopes)},`,
    ...(op.rateLimit ? [`  rateLimit: ${JSON.stringify(op.rateLimit)},`] : []),
    ...(op.legacy ? ["  legacy: true,"] : []),
    `  pathParams: ${JSON.stringify(pathParams)},`,
    `  queryParams: [${query.join(", ")}],`,
    `  bodyParams: [${body.join(", ")}],`,
    ...(upload ? [`  bodyEncoding: "multipart",`, `  upload: { formField: ${JSON.stringify(upload)} },`] : []),
    ...(op.params.some((p) => p.in === "query" && p.name === "next_page_token") ? ["  paginated: true,"] : []),
    "  input: () =>",
    "    z.strictObject({",
    ...shape.map((s) => `      ${s},`),
    "    }),",
    "});",
    "",
  ];
  return lines.join("\n");
}

interface ZodContext {
  readonly path: string;
  readonly quirk: (quirk: string, handling: string) => void;
  readonly describe: (path: string, prop?: Prop) => string;
  readonly imports: Set<string>;
}

/** zod source for one node. Object fields get their own descriptions; the caller describes the node itself. */
function zod(node: Node, ctx: ZodContext): string {
  if ("enum" in node && node.enum?.length && ctx.path in RELAXED_ENUMS) {
    ctx.quirk(`\`${ctx.path}\`: enum ${JSON.stringify(node.enum)}`, `${RELAXED_ENUMS[ctx.path]} The field takes any ${node.kind}.`);
  }
  switch (node.kind) {
    case "string": {
      if (node.enum?.length && !(ctx.path in RELAXED_ENUMS)) return `z.enum(${JSON.stringify(node.enum)})${meta(node.default)}`;
      let s = node.format === "email" ? "z.email()" : node.format === "uri" ? "z.url()" : "z.string()";
      if (node.minLength !== undefined) s += `.min(${node.minLength})`;
      if (node.maxLength !== undefined) s += `.max(${node.maxLength})`;
      return s + meta(node.default);
    }
    case "date":
      ctx.imports.add("isoDate");
      return "isoDate()";
    case "integer":
    case "number": {
      if (node.enum?.some((v) => !Number.isSafeInteger(v) && Number.isInteger(v))) {
        ctx.quirk(`${ctx.path}: integer enum values beyond 2^53 (${node.enum.filter((v) => !Number.isSafeInteger(v)).join(", ")})`, "The values were rounded in the spec; the field takes any integer, or a string of digits for exact large values.");
        ctx.imports.add("bigInt");
        return `bigInt()${meta(node.default)}`;
      }
      if (node.enum?.length && !(ctx.path in RELAXED_ENUMS)) return `z.literal(${JSON.stringify(node.enum)})${meta(node.default)}`;
      let s = node.kind === "integer" ? "z.int()" : "z.number()";
      if (node.minimum !== undefined) s += `.min(${node.minimum})`;
      if (node.maximum !== undefined) s += `.max(${node.maximum})`;
      return s + meta(node.default);
    }
    case "boolean":
      return `z.boolean()${meta(node.default)}`;
    case "array": {
      let s = `z.array(${zod(node.items, { ...ctx, path: `${ctx.path}[]` })})`;
      if (node.minItems !== undefined) s += `.min(${node.minItems})`;
      if (node.maxItems !== undefined) s += `.max(${node.maxItems})`;
      return s;
    }
    case "object": {
      const fields = Object.entries(node.properties).map(([name, prop]) => {
        const path = `${ctx.path}.${name}`;
        const inner = zod(prop.node, { ...ctx, path });
        return `${key(name)}: ${inner}${prop.required ? "" : ".optional()"}.describe(${JSON.stringify(ctx.describe(path, prop))})`;
      });
      return `z.strictObject({ ${fields.join(", ")} })`;
    }
    case "record":
      return "z.record(z.string(), z.unknown())";
    case "union":
      return `z.union([${node.variants.map((v) => zod(v, ctx)).join(", ")}])`;
    case "any":
      return "z.unknown()";
  }
}

function meta(value: unknown): string {
  return value === undefined || value === "" ? "" : `.meta({ default: ${JSON.stringify(value)} })`;
}

function key(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

function emitIndex(index: { toolset: string; name: string }[]): string {
  const ident = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return [
    `// Generated by ${GENERATOR}. Do not edit. Every catalog endpoint, in catalog order.`,
    `import type { ToolSpec } from "../define.js";`,
    ...index.map(({ toolset, name }) => `import ${ident(name)} from "./${toolset}/${name}.js";`),
    "",
    "export const generatedTools: readonly ToolSpec[] = [",
    ...index.map(({ name }) => `  ${ident(name)},`),
    "];",
    "",
  ].join("\n");
}

/** Example success answers per tool, for the sandbox's generic endpoints: facts (types, example values), no prose. */
function emitResponses(responses: Record<string, { status: number; example?: unknown }>): string {
  return [
    `// Generated by ${GENERATOR} from the response schemas and examples in Zoom's OpenAPI data. Do not edit.`,
    "export interface ExampleResponse {",
    "  readonly status: number;",
    "  readonly example?: unknown;",
    "}",
    "",
    "export const exampleResponses: Readonly<Record<string, ExampleResponse>> = {",
    ...Object.entries(responses).map(([name, r]) => `  ${name}: ${JSON.stringify(r)},`),
    "};",
    "",
  ].join("\n");
}

function emitQuirks(quirks: SpecReader["quirks"]): string {
  return [
    `<!-- Generated by ${GENERATOR}. Do not edit. -->`,
    "# Spec quirks and how the generator handles them",
    "",
    "Zoom's OpenAPI files have a few defects. None is dropped silently: each one found while reading the",
    "catalog's operations is listed here with what the generator did about it.",
    "",
    "| where | quirk | handling |",
    "|---|---|---|",
    ...quirks.map((q) => `| ${q.where} | ${q.quirk} | ${q.handling} |`),
    "",
  ].join("\n");
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? listFiles(join(dir, d.name)) : [join(dir, d.name)]));
}

function main(): void {
  const args = new Set(process.argv.slice(2));
  if (!existsSync(join(SHARED, "zoom-openapi", "catalog-map.json"))) {
    console.error(`generate-tools: Zoom's spec data is not at ${SHARED}/zoom-openapi (set ZOOM_MCP_SHARED_DIR).`);
    process.exit(2);
  }
  const { files, problems } = generate(args.has("--draft"));
  if (problems.length) {
    console.error(`generate-tools: ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    if (!args.has("--draft")) process.exit(1);
  }
  if (args.has("--check")) {
    const stale = files.filter((f) => !existsSync(join(OUT, f.file)) || readFileSync(join(OUT, f.file), "utf8") !== f.source);
    const extra = listFiles(OUT).filter((p) => !files.some((f) => join(OUT, f.file) === p));
    if (stale.length || extra.length) {
      console.error(`generate-tools: the committed output is stale: ${[...stale.map((f) => f.file), ...extra.map((p) => relative(OUT, p))].join(", ")}`);
      process.exit(1);
    }
    console.error(`generate-tools: ${files.length} files up to date.`);
    return;
  }
  rmSync(OUT, { recursive: true, force: true });
  for (const f of files) {
    mkdirSync(dirname(join(OUT, f.file)), { recursive: true });
    writeFileSync(join(OUT, f.file), f.source);
  }
  console.error(`generate-tools: wrote ${files.length} files to ${relative(ROOT, OUT)}.`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
