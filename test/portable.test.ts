/**
 * Schemas every framework takes (issue 9 §4): the portability invariant over every advertised
 * schema and over tools/list as served (all tools, the default profile with its compact listings,
 * the discovery tools, the extended and master-account sets), meeting/webinar IDs that take the
 * number Zoom returned, `null` as "not given", and free-form objects sent as JSON strings. All
 * through a real MCP client. The extended and master-account sets (issue 15 §4) keep the same rules.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { advertisedSchema, MAX_SCHEMA_BYTES } from "../src/catalog/advertise.js";
import { readExtendedFiles } from "../src/catalog/load.js";
import { portabilityProblems } from "../src/catalog/portable.js";
import type { ToolSpec } from "../src/tools/define.js";
import { validateArgs } from "../src/tools/validate.js";
import { allTools, catalog } from "./helpers/catalog.js";
import { startHarness, textOf, type Harness } from "./helpers/harness.js";

const ID_NAME = /^(meeting|webinar)_?id$/i;

/** The extended and master-account tools as stored, each with its full and its listed schema. */
const extendedTools: readonly ToolSpec[] = readExtendedFiles().flatMap((f) => f.tools);
const sets = [
  ["catalog", allTools],
  ["extended", extendedTools.filter((t) => t.set === "extended")],
  ["master account", extendedTools.filter((t) => t.set === "master_account")],
] as const;

describe("portability invariant", () => {
  it("covers all 373 catalog tools, 575 extended and 647 master-account tools", () => {
    expect(sets.map(([, tools]) => tools.length)).toEqual([373, 575, 647]);
    expect(extendedTools.map((t) => t.name).sort()).toEqual(catalog.extended.map((t) => t.name).sort());
  });

  for (const [set, tools] of sets) {
    it(`every advertised ${set} schema keeps every rule and the size cap`, () => {
      const broken = tools.flatMap((t) => portabilityProblems(advertisedSchema(t.inputSchema)).map((p) => `${t.name} ${p.rule} ${p.path}`));
      expect(broken).toEqual([]);
      const oversized = tools.filter((t) => JSON.stringify(advertisedSchema(t.inputSchema)).length > MAX_SCHEMA_BYTES).map((t) => t.name);
      expect(oversized).toEqual([]);
    });
  }

  it("every stored extended and master-account listing is the one advertise makes from the full schema", () => {
    const stale = extendedTools.filter((t) => JSON.stringify(t.listedSchema) !== JSON.stringify(advertisedSchema(t.inputSchema))).map((t) => t.name);
    expect(stale).toEqual([]);
  });

  it("the checker finds each kind of breach", () => {
    const bad = {
      type: "object",
      anyOf: [{ type: "object", properties: { a: { type: "string" } }, additionalProperties: false }],
      properties: {
        e: { type: "string", format: "email" },
        m: { type: "object", propertyNames: { type: "string" }, additionalProperties: {} },
        t: { type: ["string", "null"] },
        r: { $ref: "#/$defs/x" },
        any: {},
      },
      additionalProperties: false,
    };
    expect(new Set(portabilityProblems(bad).map((p) => p.rule))).toEqual(new Set(["topLevelCombinator", "format", "propertyNames", "openObject", "typeArray", "ref", "untyped"]));
    expect(portabilityProblems({ type: "object", properties: { d: { type: "string", format: "date-time" } }, additionalProperties: false })).toEqual([]);
  });

  it("a dropped format is named in the description and still validated", () => {
    const tool = catalog.tool("update_user_email")!;
    const advertised = advertisedSchema(tool.inputSchema) as { properties: Record<string, { description: string; format?: string }> };
    expect(advertised.properties.email!.format).toBeUndefined();
    expect(advertised.properties.email!.description.toLowerCase()).toContain("email");
    expect(validateArgs(tool, { userId: "me", email: "not-an-email" }).ok).toBe(false);
    expect(validateArgs(tool, { userId: "me", email: "a@example.com" }).ok).toBe(true);
  });

  it("every meeting or webinar ID takes an integer, in every set", () => {
    const stringOnly = [...allTools, ...extendedTools].flatMap((t) =>
      Object.entries((t.inputSchema.properties ?? {}) as Record<string, { type?: string; anyOf?: { type: string }[] }>)
        .filter(([k, v]) => ID_NAME.test(k) && !(v.type === "integer" || v.anyOf?.some((b) => b.type === "integer")))
        .map(([k]) => `${t.name}.${k}`),
    );
    expect(stringOnly).toEqual([]);
  });
});

describe("tools/list as served", () => {
  for (const [profile, toolsets] of [
    ["all", "all"],
    ["default (compact listings)", ""],
    ["discovery", "discovery"],
    ["extended", "extended"],
    ["master account", "master_account"],
  ] as const) {
    it(`${profile}: every listed schema keeps every rule, within the listing's token budget`, async () => {
      const h = await startHarness({ credentials: "static", config: { toolsets } });
      try {
        const { tools } = await h.client.listTools();
        expect(tools.length).toBeGreaterThan(2);
        if (toolsets === "extended") expect(tools.filter((t) => catalog.tool(t.name)?.set === "extended")).toHaveLength(575);
        if (toolsets === "master_account") expect(tools.filter((t) => catalog.tool(t.name)?.set === "master_account")).toHaveLength(647);
        const broken = tools.flatMap((t) => portabilityProblems(t.inputSchema).map((p) => `${t.name} ${p.rule} ${p.path}`));
        expect(broken).toEqual([]);
        // As for the catalog (catalog-data.test.ts): at most 400 tokens a tool on average, none above 6,000 (tokens = JSON bytes / 4).
        const tokens = tools.map((t) => Buffer.byteLength(JSON.stringify(t)) / 4);
        expect(tokens.reduce((a, b) => a + b, 0) / tools.length).toBeLessThanOrEqual(400);
        expect(Math.max(...tokens)).toBeLessThanOrEqual(6000);
      } finally {
        await h.close();
      }
    });
  }
});

describe("calls the way portable clients make them", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ credentials: "static", fakeOptions: { permissive: true } });
  });
  afterAll(() => h.close());

  it("a numeric meeting ID goes into the path unchanged, where the spec typed it as a string", async () => {
    const before = h.fake.requests.length;
    const r = await h.call("get_past_meeting", { meetingId: 85746065432 });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(h.fake.requests.slice(before).map((q) => q.path)).toEqual(["/past_meetings/85746065432"]);
    const uuid = await h.call("get_past_meeting", { meetingId: "aDYlohsHRtCd4ii1uC2+hA==" });
    expect(uuid.isError, textOf(uuid)).toBeFalsy();
  });

  it("a numeric meeting ID in the query is sent as its digits", async () => {
    const before = h.fake.requests.length;
    const r = await h.call("get_user_token", { userId: "me", type: "zak", meeting_id: 85746065432 });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(h.fake.requests.slice(before)[0]!.query.meeting_id).toBe("85746065432");
  });

  it("optional arguments sent as null are not given, at every level", async () => {
    const before = h.fake.requests.length;
    const r = await h.call("create_user_meeting", { userId: "me", topic: "Sync", agenda: null, settings: { waiting_room: true, host_video: null }, fields: null });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(h.fake.requests.slice(before)[0]!.body).toEqual({ topic: "Sync", settings: { waiting_room: true } });
  });

  it("a required argument sent as null is still refused, and nothing is sent", async () => {
    const before = h.fake.requests.length;
    const r = await h.call("get_meeting", { meetingId: null });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain("meetingId");
    expect(h.fake.requests.length).toBe(before);
  });

  it("a free-form object advertised as a JSON string is sent as the object", async () => {
    const before = h.fake.requests.length;
    const content = { head: { text: "Hi" }, body: [{ type: "message", text: "there" }] };
    const args = { robot_jid: "bot@xmpp.zoom.us", to_jid: "ch@conference.xmpp.zoom.us", account_id: "acct", user_jid: "u@xmpp.zoom.us" };
    const asString = await h.call("create_im_chat_message", { ...args, content: JSON.stringify(content) });
    expect(asString.isError, textOf(asString)).toBeFalsy();
    const asObject = await h.call("create_im_chat_message", { ...args, content });
    expect(asObject.isError, textOf(asObject)).toBeFalsy();
    expect(h.fake.requests.slice(before).map((q) => (q.body as { content: unknown }).content)).toEqual([content, content]);
    const notJson = await h.call("create_im_chat_message", { ...args, content: "{oops" });
    expect(notJson.isError).toBe(true);
  });

  it("call_zoom_tool takes its arguments as a JSON string and drops null optionals", async () => {
    const h2 = await startHarness({ credentials: "static", fake: h.fake, config: { toolsets: "discovery" } });
    try {
      const before = h.fake.requests.length;
      const r = await h2.call("call_zoom_tool", { name: "get_meeting", arguments: JSON.stringify({ meetingId: 85746065432, occurrence_id: null }) });
      expect(r.isError, textOf(r)).toBeFalsy();
      expect(h.fake.requests.slice(before).map((q) => q.path)).toEqual(["/meetings/85746065432"]);
      const s = await h2.call("search_zoom_tools", { query: "get meeting", toolset: null, limit: null });
      expect(s.isError, textOf(s)).toBeFalsy();
    } finally {
      await h2.close();
    }
  });
});
