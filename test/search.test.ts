/** search_zoom_tools through a real client: ranked full-text search that understands how people ask. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allTools, everyTool } from "./helpers/catalog.js";
import { startHarness, textOf, type Harness } from "./helpers/harness.js";
import { expectedTools, hitRates, pct, TASKS } from "./helpers/tasks.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ config: { toolsets: "" }, credentials: "static" });
});
afterAll(() => h.close());

async function search(query: string, extra: Record<string, unknown> = {}): Promise<string[]> {
  const result = await h.call("search_zoom_tools", { query, limit: 10, ...extra });
  const text = textOf(result);
  return text.startsWith("{") ? (JSON.parse(text) as { matches: { name: string }[] }).matches.map((m) => m.name) : [];
}

describe("the task fixture", () => {
  it("names real endpoints and covers every area", () => {
    expect(TASKS.length).toBeGreaterThanOrEqual(80);
    for (const task of TASKS) expect(expectedTools(task, everyTool).length).toBeGreaterThan(0);
    const areas = new Set(TASKS.map((t) => t.area));
    for (const area of ["meetings", "webinars", "users", "recordings", "reports", "dashboards", "phone", "rooms", "chat", "groups", "roles", "accounts", "billing"]) expect(areas).toContain(area);
  });

  it.each([
    ["words", 0.85],
    ["keywords", 0.97],
  ] as const)("puts a right tool in the top 3 for the %s phrasing (at least %s)", async (phrasing, floor) => {
    const rates = await hitRates(TASKS, everyTool, phrasing, (q) => search(q));
    const report = `${phrasing}: hit@1 ${pct(rates.at1)}, hit@3 ${pct(rates.at3)}, hit@10 ${pct(rates.at10)}; misses:\n${rates.misses.map((m) => `  ${m.id} ${m.query} -> ${m.got.join(", ")}`).join("\n")}`;
    expect(rates.at3, report).toBeGreaterThanOrEqual(floor);
  });
});

describe("matching", () => {
  it("matches whole words: 'at' does not match create", async () => {
    expect(await search("at")).toEqual([]);
  });

  it("ignores question and filler words", async () => {
    const result = await h.call("search_zoom_tools", { query: "what is the?" });
    expect(textOf(result)).toMatch(/^No tool matches "what is the\?"/);
    expect((await search("who are the webinar panelists?"))[0]).toBe((await search("webinar panelists"))[0]);
  });

  it("stems: 'recorded' finds recordings, 'registrants' and 'registration' meet", async () => {
    expect((await search("recorded meeting")).slice(0, 3)).toContain("list_meeting_recordings");
    expect((await search("webinar registration")).slice(0, 3)).toContain("list_webinar_registrants");
  });

  it.each([
    ["who attended the all-hands", "list_past_meeting_participants"],
    ["webinar no-shows", "list_past_webinar_absentees"],
    ["make Mia an admin", "create_role_member"],
    ["audit log", "list_report_operationlogs"],
    ["change the passcode of a meeting", "update_meeting"],
    ["sign-ups for the webinar", "list_webinar_registrants"],
  ])("knows Zoom's vocabulary: %s -> %s", async (query, tool) => {
    expect((await search(query)).slice(0, 3)).toContain(tool);
  });

  it("ranks by intent: a write word picks the write tool, a question picks a read", async () => {
    expect((await search("cancel the meeting"))[0]).toBe("delete_meeting");
    expect((await search("which meeting registrants"))[0]).toBe("list_meeting_registrants");
    expect((await search("add a meeting registrant"))[0]).toBe("create_meeting_registrant");
  });

  it("searches one toolset when asked, and says so for an unknown one", async () => {
    const inReports = await search("meeting participants", { toolset: "reports" });
    expect(inReports.length).toBeGreaterThan(0);
    expect(inReports.every((n) => allTools.find((t) => t.name === n)!.toolset === "reports")).toBe(true);
    expect(textOf(await h.call("search_zoom_tools", { query: "x", toolset: "nope" }))).toMatch(/Unknown toolset "nope"/);
  });
});
