/**
 * The extended and master-account sets (issue 15): off by default, chosen by set, toolset id or
 * tool name, always reached by discovery (master account only once chosen), marked as such, and
 * read lazily so that a server that never touches them never reads their index.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCatalog } from "../src/catalog/load.js";
import { createApp } from "../src/app.js";
import { parseConfig } from "../src/config.js";
import { createServer } from "../src/lib.js";
import { createLogger } from "../src/logger.js";
import { catalog, everyTool } from "./helpers/catalog.js";
import { FakeZoom } from "./helpers/fake-zoom.js";
import { startHarness, textOf, type Harness } from "./helpers/harness.js";

const extended = catalog.extended.filter((t) => t.set === "extended");
const master = catalog.extended.filter((t) => t.set === "master_account");
const json = (result: { content: unknown }) => JSON.parse(textOf(result as never)) as Record<string, any>;

let fake: FakeZoom;
const harnesses: Harness[] = [];
const start = async (config: Record<string, unknown>) => {
  const h = await startHarness({ fake, config });
  harnesses.push(h);
  return h;
};
beforeAll(async () => {
  fake = await new FakeZoom({ permissive: true }).start();
});
afterAll(async () => {
  for (const h of harnesses) await h.close();
  await fake.stop();
});

describe("the extended data", () => {
  it("holds every current operation beyond the catalog once, in its own toolsets", () => {
    expect(extended).toHaveLength(575);
    expect(master).toHaveLength(647);
    const keys = everyTool.map((t) => `${t.method} ${t.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    const core = new Set(catalog.toolsets);
    for (const t of catalog.extended) {
      expect(core.has(t.toolset), t.name).toBe(false);
      expect(catalog.extendedToolsets.get(t.toolset)?.set, t.name).toBe(t.set);
    }
    for (const [id, info] of catalog.extendedToolsets) {
      expect(info.description, id).not.toMatch(/TODO/);
      expect(info.tools, id).toBe(catalog.extended.filter((t) => t.toolset === id).length);
    }
    expect(master.every((t) => t.toolset.startsWith("master_account_"))).toBe(true);
  });

  it("has our descriptions, scopes and rate-limit labels", () => {
    for (const t of catalog.extended) {
      expect(t.description, t.name).not.toMatch(/TODO/);
      expect(t.name.length, t.name).toBeLessThanOrEqual(48);
    }
    expect(catalog.extended.filter((t) => t.scopes.length > 0).length / catalog.extended.length).toBeGreaterThan(0.95);
    const summary = catalog.tool("get_meeting_summary")!;
    expect(summary).toMatchObject({ method: "GET", path: "/meetings/{meetingId}/meeting_summary", toolset: "meeting_summaries", set: "extended", rateLimit: "Light" });
    expect(summary.scopes).toContain("meeting_summary:read");
  });
});

describe("selection", () => {
  it("lists no extended tool by default except the profile's summary and transcript", async () => {
    const h = await start({ toolsets: "" });
    const names = (await h.client.listTools()).tools.map((t) => t.name);
    const ext = names.filter((n) => catalog.extended.some((t) => t.name === n));
    expect(ext.sort()).toEqual(["get_meeting_summary", "get_meeting_transcript"]);
  });

  it("serves the whole set with --toolsets extended, and only that set", async () => {
    const h = await start({ toolsets: "extended" });
    const names = (await h.client.listTools()).tools.map((t) => t.name);
    expect(names.sort()).toEqual(extended.map((t) => t.name).sort());
  });

  it("serves the master-account set only with --toolsets master_account", async () => {
    const h = await start({ toolsets: "master_account" });
    const names = new Set((await h.client.listTools()).tools.map((t) => t.name));
    expect(names.size).toBe(master.length);
    expect(master.every((t) => names.has(t.name))).toBe(true);
  });

  it("serves an extended toolset by id and an extended tool by name, next to a catalog toolset", async () => {
    const h = await start({ toolsets: "meeting_summaries,tsp", tools: "get_meeting_transcript" });
    const names = (await h.client.listTools()).tools.map((t) => t.name).sort();
    const tsp = catalog.tools.filter((t) => t.toolset === "tsp").map((t) => t.name);
    expect(names).toEqual(["delete_meeting_summary", "get_meeting_summary", "get_meeting_transcript", "list_meeting_summaries", ...tsp].sort());
  });

  it("keeps `all` to the catalog", async () => {
    const h = await start({ toolsets: "all" });
    expect((await h.client.listTools()).tools).toHaveLength(catalog.tools.length);
  });

  it("names the sets in the error for an unknown toolset", async () => {
    await expect(start({ toolsets: "summaries_please" })).rejects.toThrow(/unknown toolset\(s\) summaries_please\..*extended, master_account/);
  });
});

describe("discovery", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await start({ toolsets: "" });
  });
  const search = async (query: string) => json(await h.call("search_zoom_tools", { query })).matches as { name: string; set?: string }[];

  it.each([
    ["meeting summary", ["get_meeting_summary"]],
    ["transcript of yesterday's standup", ["get_meeting_transcript"]],
    ["AI notes", ["get_meeting_summary", "list_meeting_summaries"]],
  ])("ranks the right tool first for %s, marked extended", async (query, right) => {
    const [first] = await search(query);
    expect(right).toContain(first!.name);
    expect(first!.set).toBe("extended");
  });

  it("finds extended tools beyond the profile, and marks no catalog tool", async () => {
    const hits = await search("legal hold matters");
    expect(hits[0]).toMatchObject({ name: "list_chat_legalhold_matters", set: "extended" });
    const catalogHit = (await search("list my meetings"))[0]!;
    expect(catalogHit.name).toBe("list_meetings");
    expect(catalogHit.set).toBeUndefined();
  });

  it("describes and calls an extended tool that is not listed", async () => {
    const described = json(await h.call("describe_zoom_tool", { name: "list_chat_legalhold_matters" }));
    expect(described).toMatchObject({ set: "extended", toolset: "chat_legal_hold", endpoint: "GET /chat/legalhold/matters" });
    expect(described.inputSchema.type).toBe("object");
    fake.reset();
    const result = await h.call("call_zoom_tool", { name: "list_chat_legalhold_matters", arguments: { page_size: 10 } });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(fake.requests.map((r) => [r.method, r.path, r.query.page_size])).toEqual([["GET", "/chat/legalhold/matters", "10"]]);
  });

  it("validates an extended tool's arguments with its own schema before sending", async () => {
    fake.reset();
    const result = await h.call("call_zoom_tool", { name: "list_meeting_summaries", arguments: { time_filter_field: "yesterday" } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/time_filter_field/);
    expect(fake.requests).toHaveLength(0);
  });

  it("does not reach master-account tools unless that set is chosen", async () => {
    const missing = await h.call("describe_zoom_tool", { name: "get_account_sip_trunk_settings" });
    expect(missing.isError).toBe(true);
    const withMaster = await start({ toolsets: "default,master_account" });
    const found = json(await withMaster.call("describe_zoom_tool", { name: "get_account_sip_trunk_settings" }));
    expect(found).toMatchObject({ set: "master_account", toolset: "master_account_meetings" });
  });

  it("obeys read-only mode and exclusions for extended tools", async () => {
    const ro = await start({ toolsets: "", readOnly: "true", excludeTools: "get_meeting_transcript" });
    fake.reset();
    const refused = await ro.call("call_zoom_tool", { name: "delete_meeting_summary", arguments: { meetingId: "abc==" } });
    expect(refused.isError).toBe(true);
    const excluded = await ro.call("describe_zoom_tool", { name: "get_meeting_transcript" });
    expect(excluded.isError).toBe(true);
    expect((await ro.client.listTools()).tools.map((t) => t.name)).not.toContain("get_meeting_transcript");
    expect(fake.requests).toHaveLength(0);
  });
});

describe("laziness", () => {
  it("reads the extended index only when discovery first needs it", async () => {
    let indexReads = 0;
    const toolsetReads: string[] = [];
    const counted = createCatalog(catalog.tools, {
      tools: () => (indexReads++, catalog.extended),
      toolsets: () => catalog.extendedToolsets,
      toolset: (id) => (toolsetReads.push(id), catalog.extendedToolset(id)),
    });
    const server = await createServer({ accessToken: "static-token-value", apiBaseUrl: fake.apiBase }, { catalog: counted });
    const [a, b] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: "t", version: "1" });
    await Promise.all([server.connect(a), client.connect(b)]);
    const listed = (await client.listTools()).tools.map((t) => t.name);
    expect(listed).toContain("get_meeting_summary");
    expect(indexReads).toBe(0);
    expect(toolsetReads.sort()).toEqual(["meeting_summaries", "transcripts"]);
    await client.callTool({ name: "search_zoom_tools", arguments: { query: "legal hold" } });
    expect(indexReads).toBe(1);
    await client.close();
  });

  it("reads it for a narrowed session (per-request limits) only when that session's discovery needs it", async () => {
    let indexReads = 0;
    const counted = createCatalog(catalog.tools, { tools: () => (indexReads++, catalog.extended), toolsets: () => catalog.extendedToolsets, toolset: (id) => catalog.extendedToolset(id) });
    const app = await createApp(parseConfig({ accessToken: "static-token-value", apiBaseUrl: fake.apiBase }), counted, createLogger("silent"));
    const server = app.newServer([{ excludeTools: ["get_user"], readOnly: true }]);
    const [a, b] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: "t", version: "1" });
    await Promise.all([server.connect(a), client.connect(b)]);
    const listed = (await client.listTools()).tools.map((t) => t.name);
    expect(listed).toContain("get_meeting_summary");
    expect(listed).not.toContain("get_user");
    expect(indexReads).toBe(0);
    const hits = JSON.parse(textOf((await client.callTool({ name: "search_zoom_tools", arguments: { query: "legal hold matters" } })) as never)).matches as { name: string }[];
    expect(indexReads).toBe(1);
    // The narrowing still applies to what discovery reaches: read-only, and without the excluded tool.
    expect(hits.map((h) => h.name)).toContain("list_chat_legalhold_matters");
    expect(hits.map((h) => h.name)).not.toContain("create_chat_legalhold_matter");
    await client.close();
  });
});

describe("zoom-mcp tools", () => {
  it("lists the extended set with scopes and rate-limit labels (--json)", () => {
    const entry = fileURLToPath(new URL("../dist/index.js", import.meta.url));
    const run = spawnSync(process.execPath, [entry, "tools", "--toolsets", "extended", "--json"], { env: { PATH: process.env.PATH ?? "" }, encoding: "utf8", timeout: 20_000 });
    expect(run.status, run.stderr).toBe(0);
    const rows = JSON.parse(run.stdout) as { name: string; set?: string; scopes: string[]; rateLimit: string | null }[];
    expect(rows).toHaveLength(extended.length);
    expect(rows.every((r) => r.set === "extended")).toBe(true);
    expect(rows.find((r) => r.name === "get_meeting_transcript")).toMatchObject({ rateLimit: "Medium", scopes: expect.arrayContaining(["recording:read"]) });
  });
});
