/** The catalog as data: the loader, schemas carried by the tools themselves, and validation built from JSON Schema. */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { advertisedSchema } from "../src/catalog/advertise.js";
import { copyFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { CATALOG_DIR, loadCatalog, readCatalogFiles, START_INDEX, writeStartIndex } from "../src/catalog/load.js";
import { paramNames } from "../src/tools/params.js";
import { createApp } from "../src/app.js";
import { parseConfig } from "../src/config.js";
import { ZoomClient } from "../src/http/client.js";
import { defaultRetryPolicy } from "../src/http/policy.js";
import { silentLogger } from "../src/logger.js";
import { createServer } from "../src/server.js";
import type { ToolSpec } from "../src/tools/define.js";
import { validateArgs } from "../src/tools/validate.js";
import { StaticTokenProvider } from "../src/auth/static-token.js";
import { catalog } from "./helpers/catalog.js";
import { FakeZoom } from "./helpers/fake-zoom.js";
import { startHarness, textOf, type Harness } from "./helpers/harness.js";

describe("the catalog files", () => {
  it("hold every fact of a tool in one entry, in one file per toolset", () => {
    const files = readCatalogFiles();
    expect(files.map((f) => f.toolset)).toEqual(catalog.toolsets);
    const entry = files.find((f) => f.toolset === "meetings")!.tools.find((t) => t.name === "update_meeting_livestream")!;
    expect(Object.keys(entry)).toEqual([
      "name", "title", "toolset", "method", "path", "description", "scopes", "rateLimit", "legacy",
      "pathParams", "queryParams", "bodyParams", "bodyEncoding", "upload", "paginated", "source", "override", "inputSchema", "listedSchema",
    ]);
    expect(entry.override).toMatch(/page_url as optional/);
    expect(entry.bodyParams.map((b) => b.name)).toEqual(["page_url", "stream_key", "stream_url", "resolution"]);
  });

  it("store the listing as the one advertise function makes it from the full schema", () => {
    for (const tool of catalog.tools) expect(tool.listedSchema, tool.name).toEqual(advertisedSchema(tool.inputSchema));
  });

  it("carry the result controls: fields on reads, all_pages and max_items on paged lists", () => {
    const props = (name: string) => Object.keys(catalog.tool(name)!.inputSchema.properties as object);
    expect(props("list_meetings")).toEqual(expect.arrayContaining(["fields", "all_pages", "max_items"]));
    expect(props("get_meeting")).toContain("fields");
    expect(props("get_meeting")).not.toContain("all_pages");
    expect(props("update_meeting")).not.toContain("fields");
  });
});

describe("the start index (what the build writes into dist/catalog)", () => {
  // A catalog folder of our own: the start index, and the toolset files only where a test puts them.
  let dir: string;
  const url = () => pathToFileURL(`${dir}/`);
  const toolsetFiles = () => readdirSync(CATALOG_DIR).filter((f) => f.endsWith(".json") && f !== "toolsets.json");
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "zoom-mcp-start-index-"));
    writeStartIndex(CATALOG_DIR, url());
    copyFileSync(new URL("toolsets.json", CATALOG_DIR), join(dir, "toolsets.json"));
    cpSync(new URL("extended/", CATALOG_DIR), join(dir, "extended"), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ["--toolsets all", { toolsets: "all" }, 373],
    ["the default profile", {}, 29],
    ["--read-only --toolsets all", { toolsets: "all", readOnly: "true" }, 173],
  ])("starts a server and lists %s without a toolset file: validating schemas are read on first use", async (_, settings, count) => {
    const fromIndex = loadCatalog(url());
    expect(fromIndex.tools.map((t) => t.name)).toEqual(catalog.tools.map((t) => t.name));
    const config = parseConfig({ accountId: "a", clientId: "b", clientSecret: "c", apiBaseUrl: "http://127.0.0.1:9/v2", oauthTokenUrl: "http://127.0.0.1:9/oauth/token", ...settings });
    const app = await createApp(config, fromIndex, silentLogger());
    const client = new Client({ name: "t", version: "1" });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await Promise.all([app.newServer().connect(b), client.connect(a)]);
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(count);
    await client.close();
    await app.close();
    // No toolset file was there to read; a validating schema needs its toolset's file.
    expect(() => fromIndex.tool("update_meeting_livestream")!.inputSchema).toThrow(/meetings\.json/);
  });

  it("holds every tool as the toolset files do, once a tool's file is there", () => {
    for (const file of toolsetFiles()) copyFileSync(new URL(file, CATALOG_DIR), join(dir, file));
    const fromIndex = loadCatalog(url());
    for (const tool of catalog.tools) {
      const { searchParams, listedSchemaText, ...indexed } = { ...fromIndex.tool(tool.name)! };
      expect(indexed, tool.name).toEqual(JSON.parse(JSON.stringify(tool)));
      expect(searchParams, tool.name).toEqual(paramNames(tool.inputSchema));
      expect(JSON.parse(listedSchemaText!), tool.name).toEqual(tool.listedSchema);
    }
  });

  it("is written by the build into dist/catalog, current with src/catalog", () => {
    const built = new URL(`../dist/catalog/${START_INDEX}`, import.meta.url);
    expect(readFileSync(built, "utf8")).toBe(readFileSync(join(dir, START_INDEX), "utf8"));
  });
});

describe("validation from the tool's JSON Schema", () => {
  const tool = (name: string) => catalog.tool(name)!;

  it("never fills in defaults: Zoom applies its own", () => {
    const result = validateArgs(tool("list_meetings"), { userId: "me" });
    expect(result).toEqual({ ok: true, args: { userId: "me" } });
  });

  it("takes a number for a string path ID as its digits", () => {
    expect(validateArgs(tool("get_user"), { userId: 12345 })).toEqual({ ok: true, args: { userId: "12345" } });
  });

  it("checks formats and patterns", () => {
    const bad = (name: string, args: object) => (validateArgs(tool(name), args) as { error: { issues: { message: string }[] } }).error.issues.map((i) => i.message);
    expect(bad("list_meetings", { userId: "me", from: "1/2/2026" })).toEqual(["must be a date in yyyy-MM-dd form"]);
    expect(bad("create_meeting_registrant", { meetingId: 1, email: "nope", first_name: "A" })).toEqual(["Invalid email address"]);
    expect(bad("get_user", { userId: "a/../b" })[0]).toMatch(/single ID/);
  });
});

describe("a server built from tools passed in", () => {
  let fake: FakeZoom;
  let client: Client;
  // A custom tool that reuses a catalog name, with a schema of its own.
  const custom: ToolSpec = {
    name: "get_meeting",
    title: "Get a meeting (custom)",
    toolset: "custom",
    method: "GET",
    path: "/meetings/{id}",
    description: "A custom tool that happens to share a catalog tool's name.",
    scopes: [],
    pathParams: ["id"],
    queryParams: [],
    bodyParams: [],
    inputSchema: { type: "object", properties: { id: { type: "string", description: "Meeting." } }, required: ["id"], additionalProperties: false },
  };

  beforeAll(async () => {
    fake = await new FakeZoom({ permissive: true }).start();
    const zoom = new ZoomClient({ auth: new StaticTokenProvider("t"), apiBaseUrl: fake.apiBase, defaultApiBaseUrl: fake.apiBase, timeoutMs: 5000, retry: defaultRetryPolicy(0), logger: silentLogger() });
    const server = createServer({ tools: [custom] }, { client: zoom, logger: silentLogger() });
    client = new Client({ name: "t", version: "1" });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await Promise.all([server.connect(b), client.connect(a)]);
  });
  afterAll(async () => {
    await client.close();
    await fake.stop();
  });
  beforeEach(() => fake.reset());

  it("lists and validates the custom tool with its own schema, not the catalog's", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(["get_meeting"]);
    expect(tools[0]!.inputSchema).toEqual(custom.inputSchema);
    const refused = (await client.callTool({ name: "get_meeting", arguments: { meetingId: "1" } })) as CallToolResult;
    expect(textOf(refused)).toMatch(/id: required[\s\S]*unknown field\(s\) "meetingId"/);
    await client.callTool({ name: "get_meeting", arguments: { id: "abc" } });
    expect(fake.requests.map((r) => r.path)).toEqual(["/meetings/abc"]);
  });
});

describe("describe_zoom_tool", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: { toolsets: "" } });
  });
  afterAll(() => h.close());

  it("serves the full schema, the one arguments are validated against, one level at a time", async () => {
    const full = catalog.tool("update_account_settings")!.inputSchema as { properties: Record<string, { properties?: Record<string, unknown> }> };
    const described = JSON.parse(textOf(await h.call("describe_zoom_tool", { name: "update_account_settings" })));
    expect(Object.keys(described.inputSchema.properties)).toEqual(Object.keys(full.properties));
    expect(described.inputSchema.properties.option).toEqual(full.properties.option);
    const inMeeting = JSON.parse(textOf(await h.call("describe_zoom_tool", { name: "update_account_settings", path: "in_meeting" })));
    expect(Object.keys(inMeeting.schema.properties)).toEqual(Object.keys(full.properties.in_meeting!.properties!));
    for (const [key, value] of Object.entries(full.properties.in_meeting!.properties!)) {
      if (!(value as { properties?: unknown }).properties) expect(inMeeting.schema.properties[key], key).toEqual(value);
    }
  });
});

describe("the lighter tools/list", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ fakeOptions: { permissive: true } });
  });
  afterAll(() => h.close());

  it("averages at most 400 tokens a tool over all 373, and no tool exceeds 6,000 (tokens = JSON bytes / 4)", async () => {
    const { tools } = await h.client.listTools();
    expect(tools).toHaveLength(373);
    const tokens = tools.map((t) => Buffer.byteLength(JSON.stringify(t)) / 4);
    expect(tokens.reduce((a, b) => a + b, 0) / tools.length).toBeLessThanOrEqual(400);
    expect(Math.max(...tokens)).toBeLessThanOrEqual(6000);
  });

  it("keeps objects closed and coded values explained; what it leaves out, describe_zoom_tool has and the tool still takes", async () => {
    const { tools } = await h.client.listTools();
    const listed = tools.find((t) => t.name === "update_account_settings")!.inputSchema as Record<string, any>;
    const walk = (n: Record<string, any>, visit: (n: Record<string, any>) => void) => {
      visit(n);
      for (const c of Object.values<Record<string, any>>(n.properties ?? {})) walk(c.items ?? c, visit);
    };
    walk(listed, (n) => {
      if (n.type === "object") expect(n.additionalProperties).toBe(false);
    });
    const inMeeting = listed.properties.in_meeting;
    expect(inMeeting.properties).toEqual({}); // listed with no fields, closed: what strict-mode clients need
    expect(inMeeting.description).toMatch(/describe_zoom_tool/);
    // A field left out of the listing is validated against the full schema and sent.
    h.fake.reset();
    const result = await h.call("update_account_settings", { accountId: "me", in_meeting: { e2e_encryption: true } });
    expect(result.isError).toBeFalsy();
    expect(h.fake.requests[0]!.body).toEqual({ in_meeting: { e2e_encryption: true } });
    const refused = await h.call("update_account_settings", { accountId: "me", in_meeting: { e2e_encryptionn: true } });
    expect(textOf(refused)).toMatch(/in_meeting: unknown field\(s\) "e2e_encryptionn"/);
    // Coded values keep their meaning below the first level.
    const approval = (tools.find((t) => t.name === "create_meeting")!.inputSchema as Record<string, any>).properties.settings.properties.approval_type;
    expect(approval.description).toMatch(/0 = /);
  });
});
