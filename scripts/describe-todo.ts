/**
 * For whoever writes descriptions: what is still undescribed, with the facts to write from.
 *
 *   tsx scripts/describe-todo.ts <toolset> [<toolset> ...]   (no toolset: a count per toolset)
 *
 * Prints, per endpoint, our schema of each field that lacks a description (type, enum, bounds) and
 * Zoom's text for it. Zoom's text is there to understand the field: descriptions are written in our
 * own words, and `npm run generate` rejects any that share a run of six words with it.
 */
import { join } from "node:path";
import { generate, SHARED } from "./generate-catalog.js";
import { SpecReader, type Json } from "./spec.js";

const wanted = new Set(process.argv.slice(2));
const { problems, entries, extended } = generate(false);
const missing = new Map<string, Map<string, string[]>>();
const pattern = /^(\w+): (\w+ \S+): (?:field (\S+) has no description|no tool description)$/;
for (const p of problems) {
  const m = pattern.exec(p);
  if (!m) continue;
  const [, toolset, key, field] = m;
  const byKey = missing.get(toolset!) ?? new Map<string, string[]>();
  missing.set(toolset!, byKey);
  const fields = byKey.get(key!) ?? [];
  byKey.set(key!, fields);
  fields.push(field ?? "(tool)");
}
const toolsetsMissing = problems.filter((p) => p.endsWith(": no toolset description")).map((p) => p.split(":")[0]!);

if (!wanted.size) {
  for (const [toolset, byKey] of missing) console.log(`${[...byKey.values()].reduce((n, f) => n + f.length, 0)}\t${toolset}`);
  console.log(`toolsets without a description: ${toolsetsMissing.join(", ") || "none"}`);
  process.exit(0);
}

// Text that the copy check refused, and other problems of these toolsets.
for (const p of problems) {
  const toolset = p.split(":")[0]!;
  if (wanted.has(toolset) && !pattern.test(p) && !p.endsWith(": no toolset description")) console.log(`PROBLEM: ${p}`);
}

const reader = new SpecReader(join(SHARED, "zoom-openapi"));
const tools = [...entries, ...extended];
for (const toolset of wanted) {
  console.log(`# ${toolset}${toolsetsMissing.includes(toolset) ? "  (needs a toolset description)" : ""}`);
  for (const [key, fields] of missing.get(toolset) ?? []) {
    const tool = tools.find((t) => `${t.method} ${t.path}` === key)!;
    const [file] = tool.source.split("#");
    const [method, path] = key.split(" ");
    const op = reader.load(file!).paths[path!][method!.toLowerCase()] as Json;
    console.log(`\n## ${key}  ->  ${tool.name}  (${tool.title})`);
    console.log(`Zoom's text (understand, never copy): ${oneLine(op.description)}`);
    for (const field of fields) {
      if (field === "(tool)") {
        console.log("- (tool description)");
        continue;
      }
      const ours = schemaAt(tool.inputSchema as Json, field);
      const raw = rawAt(op, field);
      console.log(`- ${field}: ${facts(ours)}${raw ? `\n    Zoom: ${oneLine(raw)}` : ""}`);
    }
  }
  console.log("");
}

function oneLine(text: unknown): string {
  return String(text ?? "").replace(/\s+/g, " ").trim().slice(0, 600);
}

function schemaAt(schema: Json, dotted: string): Json | undefined {
  let node: Json | undefined = schema;
  for (const part of dotted.split(".")) {
    const name = part.replace(/\[\]$/, "");
    node = node?.properties?.[name] ?? node?.anyOf?.map((v: Json) => v.properties?.[name]).find(Boolean);
    if (part.endsWith("[]")) node = node?.items;
  }
  return node;
}

function facts(s: Json | undefined): string {
  if (!s) return "?";
  const keep = ["type", "enum", "format", "pattern", "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems", "default"];
  const out: Json = {};
  for (const k of keep) if (s[k] !== undefined) out[k] = s[k];
  if (s.anyOf) out.anyOf = s.anyOf.map((v: Json) => v.type);
  if (s.items) out.items = s.items.type ?? "?";
  return JSON.stringify(out);
}

/** Zoom's description of a field, following properties, items and the combinators of the raw spec. */
function rawAt(op: Json, dotted: string): string | undefined {
  const [first, ...rest] = dotted.split(".");
  const top = first!.replace(/\[\]$/, "");
  const param = ((op.parameters ?? []) as Json[]).find((p) => p.name === top);
  if (param && !rest.length) return param.description;
  const body = Object.values((op.requestBody?.content ?? {}) as Json)[0]?.schema ?? ((op.parameters ?? []) as Json[]).find((p) => p.in === "body")?.schema;
  let nodes: Json[] = body ? [body] : [];
  for (const part of dotted.split(".")) {
    const name = part.replace(/\[\]$/, "");
    nodes = nodes.flatMap(expand).map((n) => n.properties?.[name]).filter(Boolean);
    if (part.endsWith("[]")) nodes = nodes.flatMap(expand).map((n) => n.items).filter(Boolean);
  }
  return nodes.map((n) => n.description).find(Boolean);
}

function expand(n: Json): Json[] {
  const parts = [n, ...["allOf", "oneOf", "anyOf"].flatMap((k) => (Array.isArray(n[k]) ? n[k] : []))];
  return parts.flatMap((p) => (p === n ? [p] : expand(p)));
}
