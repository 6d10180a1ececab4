/**
 * Inventory-wide checks over all 373 tools: coverage, invariants, schemas, the catalog snapshot and
 * one request each. The naming, annotation, placement and schema invariants also hold for the 1,222
 * extended and master-account tools (test/spec-conformance-extended.test.ts sends one request each).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OUT, SHARED, generate, generatedFilesOnDisk, toolsetId } from "../scripts/generate-catalog.js";
import { RULES } from "../scripts/naming.js";
import { README, withFreshTables } from "../scripts/readme.js";
import { advertisedSchema } from "../src/catalog/advertise.js";
import { encodePathParam } from "../src/http/url.js";
import { ANNOTATION_OVERRIDES, annotationsFor, type ToolSpec } from "../src/tools/define.js";
import { allTools, catalog as loaded, everyTool } from "./helpers/catalog.js";
import { startHarness, textOf, type Harness } from "./helpers/harness.js";
import { minimalObject } from "./helpers/minimal-args.js";

const jsonSchemaOf = (t: ToolSpec) => t.inputSchema as Schema;
const catalog = JSON.parse(readFileSync(new URL("./data/catalog.json", import.meta.url), "utf8")) as { section: string; title: string; method?: string }[];

type Schema = Record<string, any>;

/** Method verbs, and the title verbs of scripts/naming-rules.json. */
const VERBS = ["list", "get", "create", "update", "delete", ...new Set(Object.values(RULES.titleVerbs))];

/** Visits every schema node below the top level, with its dotted location. */
function walk(schema: Schema, at: string, visit: (node: Schema, at: string) => void): void {
  visit(schema, at);
  for (const [key, sub] of Object.entries(schema.properties ?? {})) walk(sub as Schema, `${at}.${key}`, visit);
  if (schema.items) walk(schema.items, `${at}[]`, visit);
  for (const k of ["anyOf", "oneOf", "allOf"]) for (const [i, sub] of (schema[k] ?? []).entries()) walk(sub, `${at}<${k}${i}>`, visit);
  if (schema.additionalProperties && typeof schema.additionalProperties === "object") walk(schema.additionalProperties, `${at}{}`, visit);
}

describe("catalog coverage", () => {
  it("has exactly one tool per catalog entry, with the catalog's section and title", () => {
    expect(catalog).toHaveLength(373);
    expect(allTools).toHaveLength(373);
    const missing = catalog.filter((e) => !allTools.some((t) => t.toolset === toolsetId(e.section) && t.title === e.title));
    expect(missing).toEqual([]);
    expect(new Set(allTools.map((t) => t.toolset)).size).toBe(37);
  });

  it("agrees with the catalog's HTTP method wherever the catalog gives one", () => {
    const wrong = catalog.filter((e) => e.method && !allTools.some((t) => t.toolset === toolsetId(e.section) && t.title === e.title && t.method === e.method));
    expect(wrong).toEqual([]);
  });
});


describe("invariants over every tool", () => {
  it("covers the catalog and both extended sets", () => {
    expect([allTools.length, loaded.extended.filter((t) => t.set === "extended").length, loaded.extended.filter((t) => t.set === "master_account").length]).toEqual([373, 575, 647]);
  });

  it("names are unique, snake_case, verb first and at most 48 characters, across every set", () => {
    const names = everyTool.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(name).toMatch(new RegExp(`^(${VERBS.join("|")})_[a-z0-9_]+$`));
      expect(name.length).toBeLessThanOrEqual(48);
    }
  });

  it("update_meeting_livestream is PATCH /meetings/{meetingId}/livestream", () => {
    const t = allTools.find((x) => x.name === "update_meeting_livestream")!;
    expect([t.method, t.path, t.toolset, t.title]).toEqual(["PATCH", "/meetings/{meetingId}/livestream", "meetings", "Update a live stream"]);
    const schema = jsonSchemaOf(t);
    expect(schema.required).toEqual(["meetingId", "stream_key", "stream_url"]);
    expect(schema.properties).toMatchObject({
      stream_url: { type: "string", maxLength: 1024 },
      stream_key: { type: "string", maxLength: 512 },
      page_url: { type: "string", format: "uri", maxLength: 1024 },
      resolution: { type: "string" },
    });
  });

  it("annotations follow the method, unless an override with a reason says otherwise", () => {
    for (const t of everyTool) {
      const a = annotationsFor(t);
      expect(a.title).toBe(t.title);
      expect(a.openWorldHint).toBe(true);
      expect(a.readOnlyHint).toBe(t.method === "GET");
      if (t.method !== "GET") {
        // An annotation override wins; else the title's verb (scripts/naming-rules.json); else the method.
        expect(a.destructiveHint).toBe(ANNOTATION_OVERRIDES[t.name]?.destructiveHint ?? t.destructive ?? t.method === "DELETE");
        expect(a.idempotentHint).toBe(t.method === "PUT" || t.method === "DELETE");
      }
    }
  });

  it("every path parameter is in the schema and required; every placement names a schema field", () => {
    for (const t of everyTool) {
      const schema = jsonSchemaOf(t);
      const inPath = [...t.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
      expect([...t.pathParams].sort(), t.name).toEqual([...inPath].sort());
      for (const p of inPath) expect(schema.required, `${t.name}.${p}`).toContain(p);
      for (const f of [...t.queryParams, ...t.bodyParams]) expect(Object.keys(schema.properties as object), `${t.name}.${f.name}`).toContain(f.name);
    }
  });

  it("every tool and every field has a description, and legacy tools say so", () => {
    for (const t of allTools) {
      expect(t.description.length, t.name).toBeGreaterThan(20);
      expect(t.description).not.toContain("TODO");
      if (t.legacy) expect(t.description).toContain("may have retired");
      walk(jsonSchemaOf(t), t.name, (node, at) => {
        if (at !== t.name && !/<(any|one|all)Of\d+>$/.test(at) && !at.endsWith("[]") && !at.endsWith("{}")) expect(node.description, at).toBeTruthy();
      });
    }
  });

  it("16 tools come from the 2021 spec only", () => {
    expect(allTools.filter((t) => t.legacy)).toHaveLength(16);
  });

  it("advertised schemas fit the common subset of Anthropic, OpenAI and Gemini function calling", () => {
    for (const t of everyTool) {
      const schema = advertisedSchema(t.inputSchema) as Schema;
      expect(schema.type, t.name).toBe("object");
      for (const k of ["anyOf", "oneOf", "allOf", "$ref", "$defs", "$schema"]) expect(schema[k], `${t.name} ${k}`).toBeUndefined();
      walk(schema, t.name, (node, at) => {
        expect(node.$ref, at).toBeUndefined();
        expect(node.$defs, at).toBeUndefined();
        expect(Array.isArray(node.type), at).toBe(false);
        if (node.properties) expect(node.type, at).toBe("object");
      });
    }
  });
});

describe("one request per tool, through a real MCP client", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ fakeOptions: { permissive: true } });
  });
  afterAll(() => h.close());

  it("every tool sends its method, filled path and query/body split for minimal arguments", async () => {
    for (const t of allTools) {
      h.fake.reset();
      const args = minimalObject(jsonSchemaOf(t));
      if (t.bodyEncoding === "multipart") Object.assign(args, { file_base64: Buffer.from("png-bytes").toString("base64"), file_name: "bg.png" });
      const result = await h.call(t.name, args);
      expect(result.isError, `${t.name}: ${textOf(result)}`).toBeFalsy();
      expect(h.fake.requests, t.name).toHaveLength(1);
      const sent = h.fake.requests[0]!;
      const path = t.path.replace(/\{([^}]+)\}/g, (_, p: string) => encodePathParam(String(args[p])));
      expect([sent.method, sent.path], t.name).toEqual([t.method, path]);
      const query = Object.fromEntries(t.queryParams.filter((q) => args[q.name] !== undefined).map((q) => [q.wire ?? q.name, String(args[q.name])]));
      expect(sent.query, t.name).toEqual(query);
      if (t.bodyEncoding === "multipart") {
        expect(sent.headers["content-type"], t.name).toMatch(/^multipart\/form-data/);
        expect(sent.rawBody, t.name).toContain(`name="${t.upload!.formField}"; filename="bg.png"`);
      } else if (t.bodyParams.length) {
        const body = Object.fromEntries(t.bodyParams.filter((b) => args[b.name] !== undefined).map((b) => [b.wire ?? b.name, args[b.name]]));
        expect(sent.body, t.name).toEqual(body);
      } else {
        expect(sent.rawBody, t.name).toBe("");
      }
    }
  });
});

describe("uploads with more form fields than the file", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ fakeOptions: { permissive: true }, config: { toolsets: "chat_emoji,chat_files,webinars_extended" } });
  });
  afterAll(() => h.close());

  /** The parts of a multipart body in order: name, file name if a file, text if not. */
  const parts = (raw: string) => [...raw.matchAll(/name="([^"]+)"(?:; filename="([^"]+)")?[^\r]*\r\n(?:[^\r]+\r\n)*\r\n([^\r]*)/g)].map((m) => (m[2] ? `${m[1]}=file:${m[2]}` : `${m[1]}=${m[3]}`));

  it("the spec's binary field carries the file; the other fields go first, as text", async () => {
    h.fake.reset();
    const file = { file_base64: Buffer.from("png-bytes").toString("base64"), file_name: "smile.png" };
    const emoji = await h.call("create_chat_emoji_file", { name: "smile_1", ...file });
    expect(emoji.isError, textOf(emoji)).toBeFalsy();
    const chat = await h.call("create_chat_user_messages_file", { userId: "me", to_channel: "ch1", ...file });
    expect(chat.isError, textOf(chat)).toBeFalsy();
    const background = await h.call("create_webinar_branding_virtual_background", { webinarId: 85746065432, default: true, ...file });
    expect(background.isError, textOf(background)).toBeFalsy();
    expect(h.fake.requests.map((r) => parts(r.rawBody))).toEqual([
      ["name=smile_1", "file=file:smile.png"],
      ["to_channel=ch1", "files=file:smile.png"],
      ["default=true", "file=file:smile.png"],
    ]);
  });

  it("a required text field is required like any other argument", async () => {
    const refused = await h.call("create_chat_emoji_file", { file_base64: Buffer.from("png").toString("base64"), file_name: "a.png" });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toContain("name");
  });
});

describe("the catalog JSON is the reviewed snapshot", () => {
  const shared = existsSync(join(SHARED, "zoom-openapi", "catalog-map.json"));
  if (!shared) console.warn(`catalog.test: ${SHARED}/zoom-openapi is missing, so the regeneration check is skipped.`);
  it.skipIf(!shared)("regenerating from ../shared gives no diff, with no description problems", () => {
    const { files, problems } = generate();
    expect(problems).toEqual([]);
    const stale = files.filter((f) => !existsSync(join(OUT, f.file)) || readFileSync(join(OUT, f.file), "utf8") !== f.source).map((f) => f.file);
    expect(stale, "src/catalog is stale: run npm run generate").toEqual([]);
    expect(generatedFilesOnDisk().filter((name) => !files.some((f) => f.file === name)), "files in src/catalog that the generator no longer writes").toEqual([]);
  }, 60_000);

  it("the README tool tables match the catalog", () => {
    const readme = readFileSync(README, "utf8");
    expect(withFreshTables(readme) === readme, "README tool tables are stale: run npm run generate").toBe(true);
  });
});
