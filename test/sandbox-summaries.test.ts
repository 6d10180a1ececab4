/**
 * The sandbox answers endpoints beyond the catalog (the extended set): transcripts, AI Companion
 * meeting summaries and recording analytics are stateful and follow the past meetings, recordings
 * and participants; the rest get their documented example. The tools are served through a real MCP
 * client, and the catalog's extended set is also tested straight through the sandbox's fetch.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { createCatalog, type Catalog } from "../src/catalog/load.js";
import { loadExampleResponses } from "../src/sandbox/examples.js";
import { Sandbox, SANDBOX_API_BASE_URL, SANDBOX_EXAMPLE_HEADER, SANDBOX_TOKEN } from "../src/sandbox/index.js";
import { seedState } from "../src/sandbox/seed.js";
import type { ToolSpec } from "../src/tools/define.js";
import { catalog } from "./helpers/catalog.js";
import { callEndpoint, startHarness, textOf, type Harness } from "./helpers/harness.js";
import { specsPresent, validateResponse } from "./helpers/spec-validator.js";

const NOTE = "sandbox: example response, no state kept";

/** The extended tools these tests call, as the catalog has them. */
const NAMES = [
  "get_meeting_transcript",
  "delete_meeting_transcript",
  "list_meeting_summaries",
  "get_meeting_summary",
  "delete_meeting_summary",
  "get_meeting_recordings_analytics_summary",
  "list_meeting_recordings_analytics_details",
  "get_phone_user_ai_call_summary",
  "download_phone_recording_transcript",
];
const EXTENDED: readonly ToolSpec[] = NAMES.map((n) => catalog.tool(n)!);

/** The catalog with these tools served as tools, for a real MCP client. */
const served = createCatalog([...catalog.tools, ...EXTENDED]);
/** The catalog, with its extended set, for the sandbox's own fetch. */
const withExtended: Catalog = catalog;

let h: Harness;
afterEach(() => h?.close());

async function start(config: Record<string, string> = {}): Promise<Harness> {
  h = await startHarness({ sandbox: true, credentials: "none", catalog: served, config: { toolsets: "all", ...config } });
  return h;
}

/** Calls the tool serving `endpoint` among the served tools. */
const call = (endpoint: string, args: Record<string, unknown> = {}): Promise<CallToolResult> => callEndpoint(h, endpoint, args);

/** The answer of a stateful endpoint (never an example); an extended one's is checked against the spec's response schema when the specs are there. */
async function ok(endpoint: string, args: Record<string, unknown> = {}): Promise<any> {
  const result = await call(endpoint, args);
  if (result.isError) throw new Error(`${endpoint}: ${textOf(result)}`);
  const texts = result.content.map((c) => (c as { text: string }).text);
  expect(texts, `${endpoint} is stateful`).not.toContain(NOTE);
  if (!texts[0]!.startsWith("{")) return texts[0];
  const body = JSON.parse(texts[0]!);
  const [method, path] = endpoint.split(" ") as [string, string];
  if (specsPresent && EXTENDED.some((t) => t.method === method && t.path === path)) {
    const verdict = await validateResponse(path.startsWith("/phone/") ? "phone-current.json" : "meetings-current.json", method, path, 200, body);
    expect(verdict.errors, `${endpoint} answers in the spec's shape`).toEqual([]);
  }
  return body;
}

async function failure(endpoint: string, args: Record<string, unknown>): Promise<string> {
  const result = await call(endpoint, args);
  expect(result.isError, `${endpoint} should fail`).toBe(true);
  return textOf(result);
}

const past = () => h.app.sandbox!.state.pastMeetings;
const recorded = () => past().find((m) => h.app.sandbox!.state.recordings.some((r) => r.uuid === m.uuid))!;
const unrecorded = () => past().find((m) => !h.app.sandbox!.state.recordings.some((r) => r.uuid === m.uuid))!;

describe("sandbox: transcripts of recorded past meetings", () => {
  it("has a transcript exactly for the past meetings with a cloud recording, by UUID or meeting ID", async () => {
    await start();
    expect(past().length).toBeGreaterThanOrEqual(2);
    for (const m of past()) {
      const hasRecording = h.app.sandbox!.state.recordings.some((r) => r.uuid === m.uuid);
      if (!hasRecording) {
        expect(await failure("GET /meetings/{meetingId}/transcript", { meetingId: m.uuid })).toContain("HTTP 404, code 3322");
        continue;
      }
      const t = await ok("GET /meetings/{meetingId}/transcript", { meetingId: m.uuid });
      expect(t).toMatchObject({ meeting_id: m.uuid, meeting_topic: m.topic, host_id: m.host_id, account_id: "sandbox-account", can_download: true, auto_delete: false });
      expect(t).not.toHaveProperty("download_restriction_reason");
      expect(t.download_url).toMatch(/^https:\/\/sandbox\.zoom-mcp\.invalid\/rec\/transcript\/download\/[\w-]{22}$/);
      expect(Date.parse(t.transcript_created_time)).toBeGreaterThan(Date.parse(m.end_time));
      expect(await ok("GET /meetings/{meetingId}/transcript", { meetingId: String(m.id) })).toEqual(t);
    }
    expect(await failure("GET /meetings/{meetingId}/transcript", { meetingId: "12345678901" })).toContain("HTTP 404, code 3001");
  });

  it("delete, then get and delete again answer 404 with code 3322; other meetings keep theirs", async () => {
    await start();
    const m = recorded();
    expect((await call("DELETE /meetings/{meetingId}/transcript", { meetingId: m.uuid })).isError).toBeFalsy();
    expect(await failure("GET /meetings/{meetingId}/transcript", { meetingId: m.uuid })).toContain(`Zoom returned HTTP 404, code 3322: No transcript exists for this meeting: ${m.uuid}.`);
    expect(await failure("DELETE /meetings/{meetingId}/transcript", { meetingId: m.uuid })).toContain("HTTP 404, code 3322");
    // The recording itself is untouched.
    expect((await ok("GET /meetings/{meetingId}/recordings", { meetingId: m.uuid })).recording_count).toBe(2);
  });

  it("follows its recording: trashed means no download, recovered gives it back, deleted for good takes it away", async () => {
    await start();
    const m = recorded();
    await ok("DELETE /meetings/{meetingId}/recordings", { meetingId: m.uuid });
    expect(await ok("GET /meetings/{meetingId}/transcript", { meetingId: m.uuid })).toMatchObject({ can_download: false, download_url: null, download_restriction_reason: "DELETED_OR_TRASHED" });
    await ok("PUT /meetings/{meetingUUID}/recordings/status", { meetingUUID: m.uuid, action: "recover" });
    const recovered = await ok("GET /meetings/{meetingId}/transcript", { meetingId: m.uuid });
    expect(recovered.can_download).toBe(true);
    expect(recovered).not.toHaveProperty("download_restriction_reason");
    await ok("DELETE /meetings/{meetingId}/recordings", { meetingId: m.uuid, action: "delete" });
    expect(await failure("GET /meetings/{meetingId}/transcript", { meetingId: m.uuid })).toContain("HTTP 404, code 3322");
  });

  it("auto-deletes on the host's recording settings", async () => {
    await start();
    const m = recorded();
    await ok("PATCH /users/{userId}/settings", { userId: m.host_id, recording: { auto_delete_cmr: true, auto_delete_cmr_days: 60 } });
    const t = await ok("GET /meetings/{meetingId}/transcript", { meetingId: m.uuid });
    expect(t.auto_delete).toBe(true);
    expect(t.auto_delete_date).toBe(new Date(Date.parse(m.start_time) + 60 * 86_400_000).toISOString().slice(0, 10));
  });
});

describe("sandbox: AI Companion meeting summaries of past meetings", () => {
  it("summarises each past meeting by its own topic, host and participants", async () => {
    await start();
    for (const m of past()) {
      const s = await ok("GET /meetings/{meetingId}/meeting_summary", { meetingId: m.uuid });
      const host = await ok("GET /users/{userId}", { userId: m.host_id });
      expect(s).toMatchObject({ meeting_uuid: m.uuid, meeting_id: m.id, meeting_topic: m.topic, meeting_host_id: m.host_id, meeting_host_email: host.email, meeting_start_time: m.start_time, meeting_end_time: m.end_time, summary_last_modified_user_email: host.email });
      expect(s.summary_title).toContain(m.topic);
      expect(s.summary_content).toContain(`"${m.topic}"`);
      expect(s.summary_doc_url).toMatch(/^https:\/\/sandbox\.zoom-mcp\.invalid\//);
      // The people the summary names are the ones the participants report lists, no one else.
      const names = (await ok("GET /past_meetings/{meetingId}/participants", { meetingId: m.uuid })).participants.map((p: { name: string }) => p.name);
      expect(names.length).toBeGreaterThan(1);
      for (const name of names) expect(s.summary_content).toContain(`**${name}**`);
      const named = [...s.summary_content.matchAll(/\*\*([^*]+)\*\*/g)].map((x) => x[1]);
      expect(new Set(named)).toEqual(new Set(names));
      for (const other of past().filter((o) => o.topic !== m.topic)) expect(s.summary_content).not.toContain(other.topic);
      expect(await ok("GET /meetings/{meetingId}/meeting_summary", { meetingId: String(m.id) })).toEqual(s);
    }
    expect(await failure("GET /meetings/{meetingId}/meeting_summary", { meetingId: "12345678901" })).toContain("HTTP 404, code 3001");
  });

  it("lists them newest first, filters on from and to (either time field) and pages", async () => {
    await start();
    const byStart = [...past()].sort((a, b) => Date.parse(b.start_time) - Date.parse(a.start_time));
    // Stored oldest first, so the order below is the list's own.
    h.app.sandbox!.state.meetingSummaries.sort((a, b) => Date.parse(a.created_time) - Date.parse(b.created_time));
    const all = await ok("GET /meetings/meeting_summaries");
    expect(all.summaries.map((s: { meeting_uuid: string }) => s.meeting_uuid)).toEqual(byStart.map((m) => m.uuid));
    expect(all.summaries[0]).toMatchObject({ meeting_topic: byStart[0]!.topic, meeting_id: byStart[0]!.id });
    expect(all.next_page_token).toBe("");

    const older = byStart.at(-1)!;
    const window = { from: older.start_time, to: new Date(Date.parse(older.end_time) - 1000).toISOString() };
    const filtered = await ok("GET /meetings/meeting_summaries", window);
    expect(filtered).toMatchObject({ from: window.from, to: window.to });
    expect(filtered.summaries.map((s: { meeting_uuid: string }) => s.meeting_uuid)).toEqual([older.uuid]);
    // The same window on the creation time misses it: a summary is made after the meeting ends.
    expect((await ok("GET /meetings/meeting_summaries", { ...window, time_filter_field: "summary_created_time" })).summaries).toEqual([]);
    expect((await ok("GET /meetings/meeting_summaries", { from: "2030-01-01T00:00:00Z" })).summaries).toEqual([]);

    const first = await ok("GET /meetings/meeting_summaries", { page_size: 1 });
    expect(first.summaries).toHaveLength(1);
    expect(first.next_page_token).not.toBe("");
    const second = await ok("GET /meetings/meeting_summaries", { page_size: 1, next_page_token: first.next_page_token });
    expect([...first.summaries, ...second.summaries]).toEqual(all.summaries.slice(0, 2));
  });

  it("delete moves a summary to the trash: get and delete answer 403 with code 2305, the list leaves it out", async () => {
    await start();
    const [gone, kept] = past();
    expect((await call("DELETE /meetings/{meetingId}/meeting_summary", { meetingId: gone!.uuid })).isError).toBeFalsy();
    expect(await failure("GET /meetings/{meetingId}/meeting_summary", { meetingId: gone!.uuid })).toContain("Zoom returned HTTP 403, code 2305");
    expect(await failure("DELETE /meetings/{meetingId}/meeting_summary", { meetingId: String(gone!.id) })).toContain("HTTP 403, code 2305");
    expect((await ok("GET /meetings/meeting_summaries")).summaries.map((s: { meeting_uuid: string }) => s.meeting_uuid)).toEqual([kept!.uuid]);
    expect((await ok("GET /meetings/{meetingId}/meeting_summary", { meetingId: kept!.uuid })).meeting_topic).toBe(kept!.topic);
  });
});

describe("sandbox: recording analytics follow the recording and its meeting's participants", () => {
  it("counts one view per participant and one download per recording file, by day and in detail", async () => {
    await start();
    const m = recorded();
    const participants = (await ok("GET /past_meetings/{meetingId}/participants", { meetingId: m.uuid })).participants;
    const files = (await ok("GET /meetings/{meetingId}/recordings", { meetingId: m.uuid })).recording_files;
    const sum = (days: Array<Record<string, number>>, key: string) => days.reduce((n, d) => n + d[key]!, 0);

    const summary = await ok("GET /meetings/{meetingId}/recordings/analytics_summary", { meetingId: m.uuid });
    expect(summary.from).toBe(m.start_time.slice(0, 10));
    expect(summary.to).toBe(new Date(h.clock.now).toISOString().slice(0, 10));
    expect(sum(summary.analytics_summary, "views_total_count")).toBe(participants.length);
    expect(sum(summary.analytics_summary, "downloads_total_count")).toBe(files.length);
    const dates = summary.analytics_summary.map((d: { date: string }) => d.date);
    expect(dates).toEqual([...dates].sort());
    expect(dates.length).toBeGreaterThan(1);

    const views = await ok("GET /meetings/{meetingId}/recordings/analytics_details", { meetingId: String(m.id) });
    expect(views.total_records).toBe(participants.length);
    expect(views.analytics_details.map((v: { name: string; email: string }) => [v.name, v.email])).toEqual(participants.map((p: { name: string; user_email: string }) => [p.name, p.user_email]));
    for (const v of views.analytics_details) expect(Date.parse(v.date_time)).toBeGreaterThan(Date.parse(m.end_time));
    const downloads = await ok("GET /meetings/{meetingId}/recordings/analytics_details", { meetingId: m.uuid, type: "by_download" });
    expect(downloads.total_records).toBe(files.length);

    // One day's window: the summary and the details agree on it.
    const day = dates.at(-1)!;
    const oneDay = await ok("GET /meetings/{meetingId}/recordings/analytics_summary", { meetingId: m.uuid, from: day, to: day });
    expect(oneDay).toMatchObject({ from: day, to: day, analytics_summary: [summary.analytics_summary.at(-1)] });
    const dayViews = await ok("GET /meetings/{meetingId}/recordings/analytics_details", { meetingId: m.uuid, from: day, to: day });
    expect(dayViews.total_records).toBe(oneDay.analytics_summary[0].views_total_count);
    const paged = await ok("GET /meetings/{meetingId}/recordings/analytics_details", { meetingId: m.uuid, page_size: 3 });
    expect(paged.analytics_details).toHaveLength(3);
    expect(paged.next_page_token).not.toBe("");

    // A trashed file is no longer downloaded; a trashed recording has no analytics.
    await ok("DELETE /meetings/{meetingId}/recordings/{recordingId}", { meetingId: m.uuid, recordingId: files[1].id });
    expect((await ok("GET /meetings/{meetingId}/recordings/analytics_details", { meetingId: m.uuid, type: "by_download" })).total_records).toBe(files.length - 1);
    await ok("DELETE /meetings/{meetingId}/recordings", { meetingId: m.uuid });
    expect(await failure("GET /meetings/{meetingId}/recordings/analytics_summary", { meetingId: m.uuid })).toContain("HTTP 404, code 3301");
    expect(await failure("GET /meetings/{meetingId}/recordings/analytics_details", { meetingId: unrecorded().uuid })).toContain("HTTP 404, code 3301");
  });
});

describe("sandbox: the extended set, straight through the sandbox's fetch", () => {
  const get = (sandbox: Sandbox, path: string, method = "GET") => sandbox.fetch(`${SANDBOX_API_BASE_URL}${path}`, { method, headers: { authorization: `Bearer ${SANDBOX_TOKEN}` } });

  it("routes the catalog's extended tools: stateful where it keeps state, the documented example elsewhere", async () => {
    const examples = { get_phone_user_ai_call_summary: { status: 200, example: { call_id: "example-call" } }, download_phone_recording_transcript: { status: 200 } };
    const sandbox = new Sandbox({ catalog: withExtended, examples, now: () => Date.parse("2026-03-02T10:00:00Z") });
    const m = sandbox.state.pastMeetings[0]!;

    const transcript = await get(sandbox, `/meetings/${encodeURIComponent(encodeURIComponent(m.uuid))}/transcript`);
    expect(transcript.status).toBe(200);
    expect(transcript.headers.get(SANDBOX_EXAMPLE_HEADER)).toBeNull();
    expect(await transcript.json()).toMatchObject({ meeting_id: m.uuid, meeting_topic: m.topic });
    const summary = await get(sandbox, `/meetings/${m.id}/meeting_summary`);
    expect(((await summary.json()) as { summary_content: string }).summary_content).toContain(m.topic);
    expect((await get(sandbox, `/meetings/${m.id}/transcript`, "DELETE")).status).toBe(204);
    const deleted = await get(sandbox, `/meetings/${m.id}/transcript`);
    expect(deleted.status).toBe(404);
    expect(await deleted.json()).toMatchObject({ code: 3322 });

    const example = await get(sandbox, "/phone/user/someone/ai_call_summary/abc");
    expect(example.status).toBe(200);
    expect(example.headers.get(SANDBOX_EXAMPLE_HEADER)).toBe("example");
    expect(await example.json()).toEqual({ call_id: "example-call" });
    // No example body documented: the documented status and no body, still marked as an example.
    const bare = await get(sandbox, "/phone/recording_transcript/download/rec1");
    expect([bare.status, bare.headers.get(SANDBOX_EXAMPLE_HEADER), await bare.text()]).toEqual([200, "example", ""]);

    // Without the extended set these are not endpoints at all.
    const plain = new Sandbox({ catalog: createCatalog(catalog.tools), examples });
    expect((await get(plain, `/meetings/${m.id}/transcript`)).status).toBe(404);
    expect(await (await get(plain, `/meetings/${m.id}/transcript`)).json()).toMatchObject({ code: 404, message: expect.stringContaining("No such endpoint") });
  });

  it("reads the extended examples next to the catalog's when they exist, the catalog's own winning", () => {
    const dir = mkdtempSync(join(tmpdir(), "zoom-mcp-examples-"));
    const url = pathToFileURL(`${dir}/`);
    writeFileSync(join(dir, "sandbox-responses.json"), JSON.stringify({ generated: "test", responses: { list_users: { status: 200, example: { users: [] } }, shared: { status: 200, example: { from: "catalog" } } } }));
    expect(Object.keys(loadExampleResponses(url))).toEqual(["list_users", "shared"]);
    mkdirSync(join(dir, "extended"));
    writeFileSync(join(dir, "extended", "sandbox-responses.json"), JSON.stringify({ generated: "test", responses: { get_meeting_transcript: { status: 200, example: { meeting_id: "x" } }, shared: { status: 201, example: { from: "extended" } } } }));
    const merged = loadExampleResponses(url);
    expect(merged).toEqual({ list_users: { status: 200, example: { users: [] } }, shared: { status: 200, example: { from: "catalog" } }, get_meeting_transcript: { status: 200, example: { meeting_id: "x" } } });
  });
});

describe("sandbox: transcripts and summaries in the saved state", () => {
  it("are the same for the same seed and differ for another", () => {
    expect(seedState(7).meetingSummaries).toEqual(seedState(7).meetingSummaries);
    expect(seedState(7).transcripts.map((t) => t.download_id)).not.toEqual(seedState(8).transcripts.map((t) => t.download_id));
    const s = seedState();
    expect(s.transcripts.map((t) => t.meeting_uuid)).toEqual(s.pastMeetings.filter((m) => s.recordings.some((r) => r.uuid === m.uuid)).map((m) => m.uuid));
    expect(s.meetingSummaries.map((x) => x.meeting_uuid)).toEqual(s.pastMeetings.map((m) => m.uuid));
  });

  it("keeps a deleted transcript deleted across a reload, and upgrades a version 2 file with a log line", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "zoom-mcp-")), "state.json");
    await start({ sandboxState: file });
    const m = recorded();
    await ok("DELETE /meetings/{meetingId}/transcript", { meetingId: m.uuid });
    await h.close();
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ version: 3, transcripts: [] });
    await start({ sandboxState: file });
    expect(await failure("GET /meetings/{meetingId}/transcript", { meetingId: m.uuid })).toContain("code 3322");
    await h.close();

    const saved = JSON.parse(readFileSync(file, "utf8"));
    delete saved.transcripts;
    delete saved.meetingSummaries;
    writeFileSync(file, JSON.stringify({ ...saved, version: 2 }));
    await start({ sandboxState: file });
    expect(h.logs.join("")).toMatch(/"from":2,"to":3.*sandbox state file upgraded/);
    expect((await ok("GET /meetings/{meetingId}/transcript", { meetingId: m.uuid })).meeting_topic).toBe(m.topic);
    expect((await ok("GET /meetings/{meetingId}/meeting_summary", { meetingId: m.uuid })).summary_content).toContain(m.topic);
    // The upgrade is saved with the next change, and loads as version 3 after it.
    await ok("DELETE /meetings/{meetingId}/meeting_summary", { meetingId: m.uuid });
    const upgraded = JSON.parse(readFileSync(file, "utf8"));
    expect(upgraded.version).toBe(3);
    expect(upgraded.meetingSummaries.find((x: { meeting_uuid: string }) => x.meeting_uuid === m.uuid).trashed).toBe(true);
  });
});
