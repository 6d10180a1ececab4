/** Toolsets, read-only mode, discovery, and results that fit a context window. */
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config.js";
import { allTools, catalog, everyTool } from "./helpers/catalog.js";
import { DEFAULT_PROFILE, DISCOVERY_TOOLS, extendedAccess, selectTools, SelectionError } from "../src/tools/select.js";
import { fitJson, project } from "../src/tools/shaping.js";
import { annotationsFor } from "../src/tools/define.js";
import { listSize } from "../bench/list-sizes.js";
import { startHarness, textOf, type Harness } from "./helpers/harness.js";

const sel = (toolsets = "", tools = "", exclude = "", readOnly = "") =>
  selectTools(allTools, parseConfig({ toolsets, tools, excludeTools: exclude, readOnly }), extendedAccess(catalog));

describe("choosing tools", () => {
  it.each([
    ["no flags: the default profile plus discovery", "", "", "", "", DEFAULT_PROFILE.length, 3],
    ["one toolset, no discovery", "meetings", "", "", "", 28, 0],
    ["two toolsets", "meetings,webinars", "", "", "", 58, 0],
    ["all", "all", "", "", "", 373, 0],
    ["default plus a toolset", "default,phone_call_queues", "", "", "", DEFAULT_PROFILE.length + 13, 3],
    ["a toolset plus discovery", "tsp,discovery", "", "", "", 8, 3],
    ["single tools add to toolsets", "tsp", "get_meeting,list_users", "", "", 10, 0],
    ["exclusions win over toolsets and tools", "tsp", "get_meeting", "get_meeting,get_tsp", "", 7, 0],
    ["exclusions apply to discovery tools", "default", "", "call_zoom_tool", "", DEFAULT_PROFILE.length, 2],
    ["read-only wins over everything", "meetings", "delete_meeting", "", "1", 13, 0],
    ["read-only with all", "all", "", "", "true", 173, 0],
  ])("%s", (_what, toolsets, tools, exclude, readOnly, endpointCount, discoveryCount) => {
    const served = sel(toolsets, tools, exclude, readOnly);
    expect(served.tools).toHaveLength(endpointCount);
    expect(served.discovery).toHaveLength(discoveryCount);
    if (readOnly) expect(served.tools.every((t) => t.method === "GET")).toBe(true);
    for (const name of exclude.split(",").filter(Boolean)) expect(served.tools.map((t) => t.name)).not.toContain(name);
  });

  it("discovery reaches every tool that survives exclusions and read-only mode", () => {
    // The catalog and the extended set; the master-account set only once chosen.
    const extended = catalog.extended.filter((t) => t.set === "extended");
    expect(sel().callable).toHaveLength(373 + extended.length);
    expect(sel("", "", "delete_meeting").callable).toHaveLength(372 + extended.length);
    expect(sel("", "", "", "1").callable).toHaveLength(173 + extended.filter((t) => annotationsFor(t).readOnlyHint).length);
    expect(sel("default,master_account").callable).toHaveLength(373 + catalog.extended.length);
  });

  it.each([
    ["meetings,bogus", "", "", /unknown toolset\(s\) bogus\. Valid toolsets: all, default, discovery, accounts, /],
    ["", "get_meetingz", "", /unknown tool\(s\) get_meetingz/],
    ["", "", "nope", /unknown tool\(s\) nope/],
  ])("refuses unknown ids (%s %s %s) and lists the valid ones", (toolsets, tools, exclude, message) => {
    expect(() => sel(toolsets, tools, exclude)).toThrow(SelectionError);
    expect(() => sel(toolsets, tools, exclude)).toThrow(message);
  });

  it("names only real tools in the default profile", () => {
    for (const name of DEFAULT_PROFILE) expect(everyTool.map((t) => t.name)).toContain(name);
    expect(DISCOVERY_TOOLS).toHaveLength(3);
  });
});

describe("the default profile's size", () => {
  it("stays within 30 tools and 8,000 tokens of tools/list", async () => {
    const size = await listSize("default", {});
    expect(size.tools).toBeLessThanOrEqual(30);
    expect(size.tokens).toBeLessThanOrEqual(8000);
  });
});

describe("discovery through a real client", () => {
  let h: Harness;
  afterEach(() => h.close());

  it("search finds update_meeting_livestream for 'livestream'; describe gives its schema; call runs it", async () => {
    h = await startHarness({ config: { toolsets: "" } });
    const listed = (await h.client.listTools()).tools.map((t) => t.name);
    expect(listed).toEqual(expect.arrayContaining([...DISCOVERY_TOOLS]));

    const search = JSON.parse(textOf(await h.call("search_zoom_tools", { query: "livestream" }))) as { matches: { name: string }[] };
    expect(search.matches.slice(0, 3).map((m) => m.name)).toContain("update_meeting_livestream");
    const live = JSON.parse(textOf(await h.call("search_zoom_tools", { query: "live stream", limit: 3 }))) as { matches: { name: string }[] };
    // "live stream" is also the extended set's live_streaming join tokens.
    expect(live.matches.every((m) => /live_?stream/.test(m.name))).toBe(true);

    const described = JSON.parse(textOf(await h.call("describe_zoom_tool", { name: "update_meeting_livestream" })));
    expect(described.endpoint).toBe("PATCH /meetings/{meetingId}/livestream");
    expect(described.inputSchema.required).toEqual(["meetingId", "stream_key", "stream_url"]);
    expect(described.scopes).toContain("meeting:write:admin");

    h.fake.on("PATCH", "/meetings/77/livestream", { status: 204 });
    const ok = await h.call("call_zoom_tool", { name: "update_meeting_livestream", arguments: { meetingId: "77", stream_url: "rtmp://a/b", stream_key: "k" } });
    expect(ok.isError).toBeFalsy();
    expect(h.fake.requests.map((r) => [r.method, r.path, r.body])).toEqual([["PATCH", "/meetings/77/livestream", { stream_url: "rtmp://a/b", stream_key: "k" }]]);
  });

  it("call refuses invalid arguments with the tool's own errors, and sends nothing", async () => {
    h = await startHarness({ config: { toolsets: "" } });
    const bad = await h.call("call_zoom_tool", { name: "update_meeting_livestream", arguments: { meetingId: "../1", stream_key: "k".repeat(600) } });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toContain("Invalid arguments for update_meeting_livestream; nothing was sent to Zoom");
    expect(textOf(bad)).toContain("stream_url: required");
    expect(textOf(bad)).toContain("stream_key: Too big");
    expect(h.fake.requests).toHaveLength(0);
    const unknown = await h.call("call_zoom_tool", { name: "no_such_tool" });
    expect(textOf(unknown)).toContain("search_zoom_tools");
  });

  it("reaches every one of the 373 tools: search by title, describe, call", async () => {
    h = await startHarness({ config: { toolsets: "" }, fakeOptions: { permissive: true } });
    for (const tool of allTools) {
      const found = JSON.parse(textOf(await h.call("search_zoom_tools", { query: tool.title }))) as { matches: { name: string }[] };
      expect(found.matches.map((m) => m.name), tool.title).toContain(tool.name);
      const described = JSON.parse(textOf(await h.call("describe_zoom_tool", { name: tool.name })));
      expect(described.name).toBe(tool.name);
    }
  });

  it("in read-only mode, call refuses a write tool and search hides it", async () => {
    h = await startHarness({ config: { toolsets: "", readOnly: "1" } });
    const refused = await h.call("call_zoom_tool", { name: "delete_meeting", arguments: { meetingId: "1" } });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toContain("read-only mode");
    expect(h.fake.requests).toHaveLength(0);
    const found = JSON.parse(textOf(await h.call("search_zoom_tools", { query: "delete meeting" }))) as { matches: { name: string }[] };
    expect(found.matches.every((m) => m.name.startsWith("get_") || m.name.startsWith("list_"))).toBe(true);
    const listed = (await h.client.listTools()).tools;
    expect(listed.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
  });

  it("exclusions apply to call", async () => {
    h = await startHarness({ config: { toolsets: "", excludeTools: "delete_user" } });
    const refused = await h.call("call_zoom_tool", { name: "delete_user", arguments: { userId: "a@example.com" } });
    expect(refused.isError).toBe(true);
    expect(h.fake.requests).toHaveLength(0);
  });
});

const meetings = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ id: 1000 + from + i, topic: `Meeting ${from + i}`, agenda: "x".repeat(200), settings: { host_video: true } }));

describe("results that fit", () => {
  let h: Harness;
  afterEach(() => h.close());

  it("returns compact JSON", async () => {
    h = await startHarness();
    h.fake.on("GET", "/meetings/1", { body: { id: 1, topic: "t", settings: { a: 1 } } });
    expect(textOf(await h.call("get_meeting", { meetingId: "1" }))).toBe('{"id":1,"topic":"t","settings":{"a":1}}');
  });

  it("keeps only the requested fields, through arrays", async () => {
    h = await startHarness();
    h.fake.on("GET", "/users/me/meetings", { body: { page_size: 30, next_page_token: "n1", meetings: meetings(2) } });
    const result = await h.call("list_meetings", { userId: "me", fields: "meetings.id,meetings.topic,next_page_token" });
    expect(JSON.parse(textOf(result))).toEqual({ next_page_token: "n1", page_size: 30, meetings: [{ id: 1000, topic: "Meeting 0" }, { id: 1001, topic: "Meeting 1" }] });
    expect(h.fake.requests[0]!.query).toEqual({});
  });

  it("cuts an oversized result at a clean JSON boundary and says how to get the rest", async () => {
    h = await startHarness({ config: { maxResultTokens: "1000" } });
    h.fake.on("GET", "/users/me/meetings", { body: { page_size: 300, next_page_token: "more", meetings: meetings(300) } });
    const result = await h.call("list_meetings", { userId: "me" });
    expect(result.isError).toBeFalsy();
    expect(result.content).toHaveLength(2);
    const [data, note] = result.content.map((c) => (c.type === "text" ? c.text : ""));
    expect(data!.length).toBeLessThanOrEqual(4000);
    const parsed = JSON.parse(data!) as { meetings: unknown[]; next_page_token: string };
    expect(parsed.meetings.length).toBeGreaterThan(0);
    expect(parsed.meetings.length).toBeLessThan(300);
    // The page's token would skip the items left out, so it is withheld and the note says how to read on.
    expect(parsed).not.toHaveProperty("next_page_token");
    expect(note).toContain(`kept ${parsed.meetings.length} of 300 items in \`meetings\``);
    expect(note).toContain("`fields`");
    expect(note).toContain(`page_size=${parsed.meetings.length}`);
    expect(note).not.toContain("more");
    expect(data!.length + note!.length).toBeLessThanOrEqual(4000);
  });

  it("all_pages follows next_page_token across three pages, merges them and reports progress per page", async () => {
    h = await startHarness();
    h.fake.on(
      "GET",
      "/users/me/meetings",
      (req) => ({ body: { page_size: 2, total_records: 5, next_page_token: req.query.next_page_token ? (req.query.next_page_token === "p2" ? "p3" : "") : "p2", meetings: meetings(req.query.next_page_token === "p3" ? 1 : 2, req.query.next_page_token === "p2" ? 2 : req.query.next_page_token === "p3" ? 4 : 0) } }),
    );
    const progress: Array<{ progress: number; total?: number; message?: string }> = [];
    const result = await h.client.callTool({ name: "list_meetings", arguments: { userId: "me", page_size: 2, all_pages: true, fields: "meetings.id,next_page_token,total_records" } }, undefined, {
      onprogress: (p) => progress.push(p),
    });
    const data = JSON.parse((result.content as Array<{ text: string }>)[0]!.text);
    expect(data.meetings.map((m: { id: number }) => m.id)).toEqual([1000, 1001, 1002, 1003, 1004]);
    expect((result.content as Array<{ text: string }>)[1]!.text).toContain("all_pages: read 5 item(s) in 3 page(s); that is all of them.");
    expect(data.next_page_token).toBe("");
    expect(h.fake.requests.map((r) => r.query)).toEqual([{ page_size: "2" }, { page_size: "2", next_page_token: "p2" }, { page_size: "2", next_page_token: "p3" }]);
    expect(progress.map((p) => [p.progress, p.total])).toEqual([[2, 5], [4, 5], [5, 5]]);
    expect(progress[2]!.message).toBe("page 3: 5 of 5 items");
  });

  it("max_items stops fetching and hands back a token that skips nothing, even when Zoom ignores page_size", async () => {
    h = await startHarness();
    let n = 0;
    h.fake.on("GET", "/users/me/meetings", () => ({ body: { next_page_token: `t${++n}`, meetings: meetings(3, n * 3) } }));
    const result = await h.call("list_meetings", { userId: "me", all_pages: true, max_items: 5 });
    const data = JSON.parse((result.content[0] as { text: string }).text);
    expect(data.meetings).toHaveLength(5);
    // The second page went past max_items: its own token resumes at its first item.
    expect(data.next_page_token).toBe("t1");
    expect(h.fake.requests).toHaveLength(2);
    expect(h.fake.requests[0]!.query.page_size).toBe("5");
    expect(textOf(result)).toContain("stopped at max_items (5) after 2 page(s)");
    expect(textOf(result)).toContain("its first 2 item(s) come again");
  });

  it("stops paging when the call is cancelled", async () => {
    h = await startHarness();
    h.fake.on("GET", "/users/me/meetings", { body: { next_page_token: "p2", meetings: meetings(2) } }, { body: { next_page_token: "p3", meetings: meetings(2) }, delayMs: 3000 });
    const controller = new AbortController();
    const pending = h.client.callTool({ name: "list_meetings", arguments: { userId: "me", all_pages: true } }, undefined, {
      signal: controller.signal,
      onprogress: () => controller.abort("enough"),
    });
    await expect(pending).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 100));
    // Cancelled while page 2 was on its way (or before it left): never a third page.
    expect(h.fake.requests.length).toBeGreaterThanOrEqual(1);
    expect(h.fake.requests.length).toBeLessThanOrEqual(2);
    expect(h.logs.join("")).toMatch(/"tool":"list_meetings".*"status":"aborted"/);
  });

  it("names the scopes a tool needs on a missing-scope error", async () => {
    h = await startHarness();
    h.fake.on("GET", "/users", { status: 400, body: { code: 4700, message: "Invalid access token, does not contain scopes:[user:read:admin]." } });
    const text = textOf(await h.call("list_users", {}));
    expect(text).toMatch(/Add one of these scopes to the Zoom app.*user:read:admin/);
  });
});

describe("shaping helpers", () => {
  it("project keeps dotted paths through arrays and ignores unknown ones", () => {
    expect(project({ a: [{ b: 1, c: 2 }], d: 3, e: { f: 4, g: 5 } }, ["a.b", "e.f", "nope"])).toEqual({ a: [{ b: 1 }], e: { f: 4 } });
  });

  it("fitJson leaves out the largest field when there is no array to shorten", async () => {
    const fitted = await fitJson({ a: "x".repeat(10), b: "y".repeat(100) }, 40);
    expect(JSON.parse(fitted.text)).toEqual({ a: "x".repeat(10) });
    expect(fitted.drops).toEqual([{ kind: "field", path: "b" }]);
  });
});
