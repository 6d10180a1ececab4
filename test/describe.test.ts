/** describe_zoom_tool one level at a time, and call_zoom_tool errors that teach the fix, through a real client. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allTools } from "./helpers/catalog.js";
import { startHarness, textOf, type Harness } from "./helpers/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ config: { toolsets: "" }, fakeOptions: { permissive: true } });
});
afterAll(() => h.close());

const describeTool = async (args: Record<string, unknown>) => {
  const result = await h.call("describe_zoom_tool", args);
  return { result, text: textOf(result) };
};
type Props = Record<string, { keys?: string[]; properties?: unknown; description?: string; enum?: unknown[]; items?: { keys?: string[] } }>;

describe("describe_zoom_tool", () => {
  it("shows the top level in full and nested objects as their key names", async () => {
    const { text } = await describeTool({ name: "create_meeting" });
    const body = JSON.parse(text) as { description: string; scopes: string[]; inputSchema: { properties: Props }; note: string };
    const tool = allTools.find((t) => t.name === "create_meeting")!;
    expect(body.description).toBe(tool.description);
    expect(body.scopes).toEqual(tool.scopes);
    const props = body.inputSchema.properties;
    expect(props.topic!.description).toBe((tool.inputSchema.properties as Props).topic!.description);
    expect(props.settings!.properties).toBeUndefined();
    expect(props.settings!.keys).toEqual(expect.arrayContaining(["waiting_room", "join_before_host", "approved_or_denied_countries_or_regions"]));
    expect(props.tracking_fields!.items!.keys).toEqual(["field", "value"]);
    expect(body.note).toMatch(/path/);
    // 5,494 tokens before, when it was the whole schema.
    expect(text.length / 4).toBeLessThan(1600);
  });

  it("opens a nested object by path, one level at a time, with full descriptions", async () => {
    const settings = JSON.parse((await describeTool({ name: "create_meeting", path: "settings" })).text) as { path: string; schema: { properties: Props } };
    expect(settings.path).toBe("settings");
    const full = ((allTools.find((t) => t.name === "create_meeting")!.inputSchema.properties as Props).settings!.properties as Props);
    expect(settings.schema.properties.waiting_room!.description).toBe(full.waiting_room!.description);
    expect(settings.schema.properties.approved_or_denied_countries_or_regions!.keys).toEqual(["approved_list", "denied_list", "enable", "method"]);
    const countries = JSON.parse((await describeTool({ name: "create_meeting", path: "settings.approved_or_denied_countries_or_regions" })).text) as { schema: { properties: Props } };
    expect(countries.schema.properties.method!.enum).toEqual(["approve", "deny"]);
  });

  it("names the fields and the closest one for a wrong path", async () => {
    const { result, text } = await describeTool({ name: "create_meeting", path: "settings.waiting_rom" });
    expect(result.isError).toBe(true);
    expect(text).toMatch(/No field "waiting_rom" there: settings has .*"waiting_room".* Did you mean "waiting_room"/);
  });

  it("costs little for every tool and stays within the size cap", async () => {
    const costs: number[] = [];
    for (const tool of allTools) costs.push(Math.round((await describeTool({ name: tool.name })).text.length / 4));
    costs.sort((a, b) => a - b);
    // Before: median 328 and max 20,323 tokens (update_account_settings).
    expect(costs[Math.floor(costs.length / 2)]).toBeLessThan(400);
    expect(costs.at(-1)).toBeLessThan(4000);
    const small = await startHarness({ config: { toolsets: "", maxResultTokens: "1000" } });
    for (const [name, path] of [["update_account_settings", "in_meeting"], ["update_account_settings", undefined], ["create_meeting", "settings"]] as const) {
      const text = textOf(await small.call("describe_zoom_tool", { name, ...(path ? { path } : {}) }));
      expect(text.length, `${name} ${path}`).toBeLessThanOrEqual(4000);
      expect(() => JSON.parse(text)).not.toThrow();
    }
    await small.close();
  });

  it("suggests the closest names for an unknown tool", async () => {
    const { result, text } = await describeTool({ name: "get_meetings" });
    expect(result.isError).toBe(true);
    expect(text).toMatch(/No tool named "get_meetings" is available\. Did you mean get_meeting\b/);
  });
});

describe("call_zoom_tool errors teach the fix", () => {
  it("arguments at the top level: put them under `arguments`, nothing sent", async () => {
    h.fake.reset();
    const result = await h.call("call_zoom_tool", { name: "get_meeting", meetingId: "85746065123" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('put the tool\'s arguments under `arguments`, e.g. {"name":"get_meeting","arguments":{"meetingId":"85746065123"}}');
    expect(h.fake.requests).toHaveLength(0);
  });

  it("arguments given as a JSON string are parsed", async () => {
    h.fake.reset();
    const result = await h.call("call_zoom_tool", { name: "get_meeting", arguments: '{"meetingId":"85746065123"}' });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(h.fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /meetings/85746065123"]);
    const bad = await h.call("call_zoom_tool", { name: "get_meeting", arguments: "meetingId=1" });
    expect(textOf(bad)).toMatch(/`arguments` must be an object/);
  });

  it("an unknown tool name gets the closest names", async () => {
    const result = await h.call("call_zoom_tool", { name: "create_meetng", arguments: {} });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Did you mean .*create_meeting/);
  });

  it("an unknown key gets the closest field names, at the top and nested", async () => {
    h.fake.reset();
    const top = await h.call("call_zoom_tool", { name: "get_meeting", arguments: { meetingID: "85746065123" } });
    expect(textOf(top)).toMatch(/unknown field\(s\) "meetingID"\. Did you mean "meetingID" -> "meetingId"/);
    const nested = await h.call("call_zoom_tool", { name: "update_meeting", arguments: { meetingId: 1, settings: { waiting_rooms: true } } });
    expect(textOf(nested)).toMatch(/settings: unknown field\(s\) "waiting_rooms"\. Did you mean "waiting_rooms" -> "waiting_room"/);
    expect(h.fake.requests).toHaveLength(0);
  });
});
