/** Names that say what a tool does, and earlier names that keep working as aliases everywhere a name is taken. */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RENAMES_DOC, renderRenames } from "../scripts/renames.js";
import { annotationsFor } from "../src/tools/define.js";
import { allTools, catalog, everyTool } from "./helpers/catalog.js";
import { startHarness, textOf, type Harness } from "./helpers/harness.js";

const byName = (name: string) => allTools.find((t) => t.name === name);

describe("names", () => {
  it.each([
    ["create_meeting", "POST", "/users/{userId}/meetings"],
    ["list_meetings", "GET", "/users/{userId}/meetings"],
    ["create_webinar", "POST", "/users/{userId}/webinars"],
    ["list_webinars", "GET", "/users/{userId}/webinars"],
    ["cancel_account_plans_base", "PATCH", "/accounts/{accountId}/plans/base/status"],
    ["cancel_account_plans_addons", "PATCH", "/accounts/{accountId}/plans/addons/status"],
    ["recover_meeting_recordings", "PUT", "/meetings/{meetingUUID}/recordings/status"],
    ["join_chat_channel", "POST", "/chat/channels/{channelId}/members/me"],
    ["leave_chat_channel", "DELETE", "/chat/channels/{channelId}/members/me"],
    ["switch_user_account", "PUT", "/accounts/{accountId}/users/{userId}/account"],
    ["check_in_out_room", "PATCH", "/rooms/{id}/events"],
    ["search_contacts", "GET", "/contacts"],
    ["download_billing_invoice", "GET", "/api/download/billing/invoices/{invoiceId}"],
  ])("%s is %s %s", (name, method, path) => {
    expect(byName(name), name).toMatchObject({ method, path });
  });

  it("every title verb the rule knows is the verb of its tool's name", () => {
    const verbs = ["cancel", "recover", "join", "leave", "switch", "enable", "subscribe", "download", "search", "revoke", "check"];
    const wrong = everyTool.filter((t) => verbs.includes(t.title.split(/\s+/)[0]!.toLowerCase().replace(/-in$/, "")) && !verbs.includes(t.name.split("_")[0]!));
    expect(wrong.map((t) => `${t.name} (${t.title})`)).toEqual([]);
  });

  it("no alias is also a current name, no two tools share an alias, and every current name is unique, across every set", () => {
    const names = new Set(everyTool.map((t) => t.name));
    expect(names.size).toBe(everyTool.length);
    const aliases = everyTool.flatMap((t) => t.aliases ?? []);
    expect(aliases.filter((a) => names.has(a))).toEqual([]);
    expect(aliases.filter((a, i) => aliases.indexOf(a) !== i)).toEqual([]);
    expect(aliases.filter((a) => a.length > 48)).toEqual([]);
  });

  it("annotations follow the meaning: cancel, delete and remove are destructive; recover is not", () => {
    for (const t of everyTool) {
      const verb = t.title.split(/\s+/)[0]!.toLowerCase();
      const hint = annotationsFor(t).destructiveHint ?? false;
      if (["cancel", "delete", "remove"].includes(verb)) expect(hint, `${t.name} (${t.title})`).toBe(true);
      if (verb === "recover") expect(hint, `${t.name} (${t.title})`).toBe(false);
    }
  });

  it("docs/tool-renames.md matches the catalog", () => {
    expect(readFileSync(RENAMES_DOC, "utf8") === renderRenames(allTools), "docs/tool-renames.md is stale: run npm run generate").toBe(true);
  });

  it("the catalog resolves an alias to its tool", () => {
    expect(catalog.tool("create_user_meeting")?.name).toBe("create_meeting");
    expect(catalog.canonicalName("list_user_webinars")).toBe("list_webinars");
    expect(catalog.tool("no_such_tool")).toBeUndefined();
  });

  it("the catalog resolves an extended or master-account tool's alias to its tool", () => {
    expect(catalog.tool("list_meetings_meeting_summaries")?.name).toBe("list_meeting_summaries");
    expect(catalog.canonicalName("get_billing_invoice_download")).toBe("download_billing_invoice_pdf");
    for (const t of catalog.extended) for (const alias of t.aliases ?? []) expect(catalog.canonicalName(alias), alias).toBe(t.name);
  });
});

describe("old names keep working", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: { toolsets: "meetings,billing" } });
    h.fake.on("POST", "/users/me/meetings", { status: 201, body: { id: 85746065432, topic: "Standup" } });
    h.fake.on("PATCH", "/accounts/me/plans/base/status", { status: 204 });
  });
  afterAll(() => h.close());

  it("tools/list shows current names only", async () => {
    const { tools } = await h.client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toContain("create_meeting");
    expect(names).not.toContain("create_user_meeting");
    const cancel = tools.find((t) => t.name === "cancel_account_plans_base");
    expect(cancel?.annotations?.destructiveHint).toBe(true);
  });

  it("a direct tools/call with the old name runs the renamed tool", async () => {
    const before = h.fake.requests.length;
    const result = await h.call("create_user_meeting", { userId: "me", topic: "Standup" });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(h.fake.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(["POST /users/me/meetings"]);
  });
});

describe("aliases in selection and discovery", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: { toolsets: "default", tools: "list_user_webinars", excludeTools: "create_user_meeting" } });
    h.fake.on("GET", "/users/me/webinars", { status: 200, body: { webinars: [], total_records: 0 } });
  });
  afterAll(() => h.close());

  it("--tools and --exclude-tools take old names", async () => {
    const { tools } = await h.client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toContain("list_webinars");
    expect(names).not.toContain("create_meeting");
  });

  it("describe_zoom_tool and call_zoom_tool take old names", async () => {
    const described = await h.call("describe_zoom_tool", { name: "list_user_webinars" });
    expect(described.isError, textOf(described)).toBeFalsy();
    expect(textOf(described)).toContain("list_webinars");
    const before = h.fake.requests.length;
    const called = await h.call("call_zoom_tool", { name: "list_user_webinars", arguments: { userId: "me" } });
    expect(called.isError, textOf(called)).toBeFalsy();
    expect(h.fake.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(["GET /users/me/webinars"]);
  });

  it("an excluded tool stays excluded under its old name", async () => {
    const called = await h.call("call_zoom_tool", { name: "create_user_meeting", arguments: { userId: "me", topic: "x" } });
    expect(called.isError).toBe(true);
  });
});

describe("old names of extended tools", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: { toolsets: "default", tools: "list_meetings_meeting_summaries" }, fakeOptions: { permissive: true } });
  });
  afterAll(() => h.close());

  it("--tools takes the old name and lists the current one; a direct call with the old name runs it", async () => {
    const names = (await h.client.listTools()).tools.map((t) => t.name);
    expect(names).toContain("list_meeting_summaries");
    expect(names).not.toContain("list_meetings_meeting_summaries");
    const before = h.fake.requests.length;
    const result = await h.call("list_meetings_meeting_summaries", {});
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(h.fake.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(["GET /meetings/meeting_summaries"]);
  });

  it("call_zoom_tool takes an extended tool's old name", async () => {
    const before = h.fake.requests.length;
    const called = await h.call("call_zoom_tool", { name: "get_phone_recording_transcript_download", arguments: { recordingId: "rec1" } });
    expect(called.isError, textOf(called)).toBeFalsy();
    expect(h.fake.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(["GET /phone/recording_transcript/download/rec1"]);
  });
});
