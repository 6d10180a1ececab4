/** The embedded sandbox, through a real MCP client: state, IDs, paging, errors, limits and persistence. */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { seedState } from "../src/sandbox/seed.js";
import type { SandboxState } from "../src/sandbox/state.js";
import { statefulHandlers } from "../src/sandbox/resources.js";
import { allTools, catalog } from "./helpers/catalog.js";
import { startHarness, textOf, type Harness } from "./helpers/harness.js";
import { minimalObject } from "./helpers/minimal-args.js";

const json = (result: Awaited<ReturnType<Harness["call"]>>) => JSON.parse((result.content[0] as { text: string }).text);

describe("sandbox", () => {
  let h: Harness;
  afterEach(() => h?.close());

  it("runs the scenario: create, get, live stream, registrants, delete, then 404 with code 3001", async () => {
    h = await startHarness({ sandbox: true, credentials: "none", config: { toolsets: "all" } });
    const created = json(await h.call("create_meeting", { userId: "me", topic: "Launch rehearsal", type: 2, start_time: "2026-04-01T16:00:00Z", duration: 45, settings: { approval_type: 0 } }));
    expect(String(created.id)).toMatch(/^\d{10,11}$/);
    expect(created.uuid).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(created).toMatchObject({ topic: "Launch rehearsal", type: 2, start_time: "2026-04-01T16:00:00Z", duration: 45 });

    const got = json(await h.call("get_meeting", { meetingId: created.id }));
    expect(got).toMatchObject({ id: created.id, topic: "Launch rehearsal", host_email: "owner@sandbox.example" });

    const update = await h.call("update_meeting_livestream", { meetingId: String(created.id), stream_url: "rtmp://live.example.com/app", stream_key: "abc123", page_url: "https://example.com/watch" });
    expect(update.isError).toBeFalsy();
    expect(json(await h.call("get_meeting_livestream", { meetingId: created.id }))).toEqual({ stream_url: "rtmp://live.example.com/app", stream_key: "abc123", page_url: "https://example.com/watch" });

    const reg = json(await h.call("create_meeting_registrant", { meetingId: created.id, email: "ana@example.com", first_name: "Ana" }));
    expect(reg.registrant_id).toBeTruthy();
    const regs = json(await h.call("list_meeting_registrants", { meetingId: created.id }));
    expect(regs.registrants.map((r: { email: string }) => r.email)).toEqual(["ana@example.com"]);

    expect((await h.call("delete_meeting", { meetingId: created.id })).isError).toBeFalsy();
    const gone = await h.call("get_meeting", { meetingId: created.id });
    expect(gone.isError).toBe(true);
    expect(textOf(gone)).toContain(`Zoom returned HTTP 404, code 3001: Meeting does not exist: ${created.id}.`);
  });

  it("answers an unknown user with 404 and code 1001, and other unknown things with 404", async () => {
    h = await startHarness({ sandbox: true, config: { toolsets: "all" } });
    expect(textOf(await h.call("get_user", { userId: "nobody@example.com" }))).toContain("HTTP 404, code 1001");
    const role = textOf(await h.call("get_role", { roleId: "nope" }));
    expect(role).toContain("HTTP 404");
    expect(role).not.toContain("scopes");
  });

  it("pages with page_size and next_page_token across three pages", async () => {
    h = await startHarness({ sandbox: true, config: { toolsets: "all" } });
    for (let i = 0; i < 5; i++) await h.call("create_meeting", { userId: "me", topic: `Extra ${i}`, type: 2, start_time: "2026-05-01T10:00:00Z" });
    const seen: number[] = [];
    let token = "";
    let pages = 0;
    do {
      const pageData = json(await h.call("list_meetings", { userId: "me", page_size: 3, ...(token ? { next_page_token: token } : {}) }));
      pages++;
      expect(pageData.total_records).toBe(7);
      seen.push(...pageData.meetings.map((m: { id: number }) => m.id));
      token = pageData.next_page_token;
    } while (token);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(7);
    const merged = json(await h.call("list_meetings", { userId: "me", page_size: 3, all_pages: true }));
    expect(merged.meetings.map((m: { id: number }) => m.id)).toEqual(seen);
  });

  it("returns Zoom's validation error with field details", async () => {
    h = await startHarness({ sandbox: true, config: { toolsets: "all" } });
    // A start_time that is no date-time never gets that far: our own validation refuses it.
    const refused = await h.call("create_meeting", { userId: "me", topic: "x", type: 8, start_time: "next tuesday" });
    expect(textOf(refused)).toMatch(/nothing was sent to Zoom[\s\S]*start_time: must be a real date and time/);
    const bad = await h.call("create_meeting", { userId: "me", topic: "x", type: 8, start_time: "2026-04-01T10:00:00Z" });
    expect(bad.isError).toBe(true);
    const text = textOf(bad);
    expect(text).toContain("Zoom returned HTTP 400, code 300: Validation Failed.");
    expect(text).toContain("- recurrence: Required for type 8");
  });

  it("simulates QPS limits: the HTTP core waits out the 429 and succeeds", async () => {
    h = await startHarness({ sandbox: true, config: { toolsets: "all", sandboxRateLimits: "free" } });
    // get_report_daily is a Heavy endpoint: 1 request per second on the free plan.
    const tool = allTools.find((t) => t.name === "get_report_daily")!;
    expect(tool.rateLimit).toBe("Heavy");
    expect((await h.call(tool.name, {})).isError).toBeFalsy();
    const second = await h.call(tool.name, {});
    expect(second.isError).toBeFalsy();
    expect(h.waits).toEqual([1000]);
    expect(h.logs.join("")).toMatch(/"tool":"get_report_daily".*"retries":1/);
  });

  it("simulates the 100 meeting creates per user per day, and fails the 101st at once", async () => {
    h = await startHarness({ sandbox: true, config: { toolsets: "all", sandboxRateLimits: "business" } });
    for (let i = 0; i < 100; i++) {
      const r = await h.call("create_meeting", { userId: "admin@sandbox.example", topic: `m${i}`, type: 2, start_time: "2026-05-01T10:00:00Z" });
      expect(r.isError, textOf(r)).toBeFalsy();
    }
    const waitsBefore = h.waits.length;
    const refused = await h.call("create_meeting", { userId: "admin@sandbox.example", topic: "one too many", type: 2, start_time: "2026-05-01T10:00:00Z" });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/daily rate limit is used up.*resets at 2026-03-03T00:00:00\.000Z/s);
    expect(h.waits.length).toBe(waitsBefore);
  });

  it("fails a daily label limit fast with the reset time and category", async () => {
    h = await startHarness({ sandbox: true, config: { toolsets: "all", sandboxRateLimits: "free" } });
    // Burn the free plan's 2,000 Medium calls a day, one second apart so no per-second limit trips.
    const medium = allTools.find((t) => t.rateLimit === "Medium" && t.method === "GET" && statefulHandlers[`${t.method} ${t.path}`] === undefined && t.pathParams.length === 0)!;
    for (let i = 0; i < 2000; i++) {
      h.clock.now += 1000;
      const r = await h.call(medium.name, minimalObject(medium.inputSchema));
      if (r.isError) throw new Error(`call ${i}: ${textOf(r)}`);
    }
    const refused = await h.call(medium.name, minimalObject(medium.inputSchema));
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/Medium daily rate limit is used up.*resets at 2026-03-03T00:00:00\.000Z/s);
  }, 60_000);

  it("saves its state to a file and reloads it", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "zoom-mcp-")), "state.json");
    h = await startHarness({ sandbox: true, config: { toolsets: "all", sandboxState: file } });
    const created = json(await h.call("create_meeting", { userId: "me", topic: "Persisted", type: 2, start_time: "2026-04-01T16:00:00Z" }));
    await h.close();
    expect(JSON.parse(readFileSync(file, "utf8")).meetings.some((m: { id: number }) => m.id === created.id)).toBe(true);

    h = await startHarness({ sandbox: true, config: { toolsets: "all", sandboxState: file } });
    expect(json(await h.call("get_meeting", { meetingId: created.id })).topic).toBe("Persisted");
    const next = json(await h.call("create_meeting", { userId: "me", topic: "After reload", type: 2, start_time: "2026-04-02T16:00:00Z" }));
    expect(next.id).not.toBe(created.id);
  });

  it("starts from the same data for the same seed, and different data for another", () => {
    expect(seedState(7)).toEqual(seedState(7));
    expect(seedState(7).meetings[0]!.id).not.toBe(seedState(8).meetings[0]!.id);
  });

  it("sends nothing anywhere: no token request and no request to the configured API", async () => {
    h = await startHarness({ sandbox: true, config: { toolsets: "all" } });
    await h.call("list_users", {});
    expect(h.fake.requests).toHaveLength(0);
    expect(h.fake.tokenRequests).toHaveLength(0);
  });

  it("every catalog tool answers with a non-error result for minimal valid arguments", async () => {
    h = await startHarness({ sandbox: true, config: { toolsets: "all" } });
    const failures: string[] = [];
    for (const tool of allTools) {
      h.app.sandbox!.state = seedState();
      const ids = h.app.sandbox!.exampleIds(tool);
      const args = minimalObject(tool.inputSchema);
      for (const p of tool.pathParams) if (ids[p]) args[p] = ids[p];
      // The account owner cannot be deleted (as in Zoom): delete another user.
      if (tool.name === "delete_user") args.userId = "member@sandbox.example";
      Object.assign(args, stateArgs(`${tool.method} ${tool.path}`, h.app.sandbox!.state));
      if (tool.bodyEncoding === "multipart") Object.assign(args, { file_base64: Buffer.from("png").toString("base64"), file_name: "a.png" });
      const result = await h.call(tool.name, args);
      if (result.isError) failures.push(`${tool.name}: ${textOf(result).split("\n")[0]}`);
    }
    expect(failures).toEqual([]);
  });

  it("every extended and master-account tool answers for minimal valid arguments, marked as an example where no state is kept", async () => {
    h = await startHarness({ sandbox: true, config: { toolsets: "extended,master_account" } });
    const failures: string[] = [];
    let examples = 0;
    for (const tool of catalog.extended) {
      h.app.sandbox!.state = seedState();
      const ids = h.app.sandbox!.exampleIds(tool);
      const args = minimalObject(tool.inputSchema);
      for (const p of tool.pathParams) if (ids[p]) args[p] = ids[p];
      if (tool.bodyEncoding === "multipart") Object.assign(args, { file_base64: Buffer.from("png").toString("base64"), file_name: "a.png" });
      const result = await h.call(tool.name, args);
      if (result.isError) failures.push(`${tool.name}: ${textOf(result).split("\n")[0]}`);
      else if (textOf(result).includes("sandbox: example response, no state kept")) examples++;
    }
    expect(failures).toEqual([]);
    // Transcripts, summaries and recording analytics answer from the state; the rest say they are examples.
    expect(examples).toBeGreaterThan(catalog.extended.length - 20);
    expect(examples).toBeLessThan(catalog.extended.length);
  }, 120_000);
});

/** Stateful endpoints check what a call names against the state, as Zoom does: give them real things. */
function stateArgs(endpoint: string, s: SandboxState): Record<string, unknown> {
  const member = { email: "member@sandbox.example" };
  const [country] = s.roomLocations;
  switch (endpoint) {
    case "POST /users":
      return { action: "create", user_info: { email: "new.user@example.com", type: 1 } };
    case "POST /groups":
      return { name: "Design" };
    case "POST /groups/{groupId}/members":
    case "POST /roles/{roleId}/members":
      return { members: [member] };
    case "PATCH /groups/{groupId}/members/{memberId}":
      return { action: "set_primary" };
    case "POST /phone/call_queues":
      return { site_id: s.phoneSites[0]!.id };
    case "PUT /phone/call_queues/{callQueueId}/manager":
      return { member_id: "admin@sandbox.example" };
    case "DELETE /phone/sites/{siteId}":
      return { transfer_site_id: s.phoneSites[1]!.id };
    case "POST /roles":
      return { name: "Helpdesk" };
    case "PUT /rooms/{roomId}/location":
      return { location_id: s.roomLocations[1]!.id };
    case "GET /rooms/{id}/settings":
    case "PATCH /rooms/{id}/settings":
    case "GET /rooms/locations/{locationId}/settings":
    case "PATCH /rooms/locations/{locationId}/settings":
      return { setting_type: "meeting" };
    case "POST /rooms/locations":
      return { name: "Canada" };
    case "PUT /rooms/locations/{locationId}/location":
      return { parent_location_id: country!.id };
    default:
      return {};
  }
}