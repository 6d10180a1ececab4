/** Bad input gets a clear error result and never reaches Zoom. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { encodePathParam, fillPath, UnsafePathError } from "../src/http/url.js";
import { startHarness, textOf, type Harness } from "./helpers/harness.js";

const OK = { meetingId: "123", stream_url: "rtmp://a/b", stream_key: "k" };

describe("invalid arguments", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ fakeOptions: { permissive: true } });
    // The session learns its token's scopes after its first listing (a token request of its own): let that
    // happen here, so the cases below see only what their calls send.
    const original = h.fake.tokenResponder;
    const learned = new Promise<void>((resolve) => {
      h.fake.tokenResponder = (req) => {
        h.fake.tokenResponder = original;
        resolve();
        return original(req);
      };
    });
    await h.client.listTools();
    await learned;
  });
  afterAll(() => h.close());
  beforeEach(() => h.fake.reset());

  it.each([
    ["a missing required field", "update_meeting_livestream", { meetingId: "123", stream_key: "k" }, /stream_url: required \(string expected\)/],
    ["a wrong type", "update_meeting_livestream", { ...OK, stream_key: 42 }, /stream_key: Invalid input: expected string, received number/],
    ["a string that is too long", "update_meeting_livestream", { ...OK, stream_key: "k".repeat(513) }, /stream_key: Too big: expected string to have <=512 characters/],
    ["an unknown enum value", "list_meetings", { userId: "me", type: "someday" }, /type: must be one of "scheduled", "live", "upcoming"/],
    ["an unknown coded enum value", "create_meeting", { userId: "me", type: 7 }, /type: must be one of 1, 2, 3, 8, 10/],
    ["../ in a string id", "list_meetings", { userId: "../users" }, /userId: must be a single ID/],
    ["'..' as an id", "get_user", { userId: ".." }, /userId: must be a single ID/],
    ["../ in a numeric id", "update_meeting_livestream", { ...OK, meetingId: "../123" }, /meetingId: .*digits/],
    ["an unknown field", "update_meeting_livestream", { ...OK, stream_urll: "x" }, /unknown field\(s\) "stream_urll"/],
    ["a nested unknown field", "update_meeting", { meetingId: "1", settings: { waiting_rooom: true } }, /settings: unknown field\(s\) "waiting_rooom"/],
    ["a malformed page_url", "update_meeting_livestream", { ...OK, page_url: "not a url" }, /page_url: Invalid URL/],
    ["a page size out of range", "list_meetings", { userId: "me", page_size: 301 }, /page_size: Too big/],
    ["a date that is not on the calendar", "list_report_users", { from: "2026-02-30", to: "2026-03-01" }, /from: must be a real calendar date in yyyy-MM-dd form/],
    ["a month 13", "list_report_users", { from: "2026-03-01", to: "2026-13-45" }, /to: must be a real calendar date/],
    ["a date-time that is not on the calendar", "create_meeting", { userId: "me", start_time: "2026-04-31T10:00:00Z" }, /start_time: must be a real date and time/],
    ["a date-time at hour 25", "create_meeting", { userId: "me", start_time: "2026-04-01T25:00:00" }, /start_time: must be a real date and time/],
    ["a path value outside the spec's enum", "get_user_tsp", { userId: "me", tspId: "3" }, /tspId: must be one of "1", "2"/],
    ["a value that breaks the spec's pattern", "create_phone_device", { display_name: "Desk", type: "yealink", mac_address: "not-a-mac" }, /mac_address: Invalid string: must match pattern/],
    ["an array item outside the spec's enum", "update_phone_user_settings", { userId: "u1", settingType: "delegation", delegation: { privileges: [9] } }, /privileges\.0: must be one of 1, 2/],
    ["a path ID past the default limit of 1 KB", "get_user", { userId: "u".repeat(1025) }, /userId: Too big: expected string to have <=1024 characters/],
  ])("%s gets a clear error and sends nothing", async (_what, tool, args, message) => {
    const result = await h.call(tool, args);
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toContain(`Invalid arguments for ${tool}; nothing was sent to Zoom.`);
    expect(text).toMatch(message);
    expect(h.fake.requests).toHaveLength(0);
    expect(h.fake.tokenRequests).toHaveLength(0);
  });

  it("accepts real dates and times, leap days and local date-times included", async () => {
    const report = await h.call("list_report_users", { from: "2024-02-29", to: "2024-03-01" });
    expect(report.isError, textOf(report)).toBeFalsy();
    expect(h.fake.requests.at(-1)!.query).toMatchObject({ from: "2024-02-29", to: "2024-03-01" });
    for (const start_time of ["2026-04-01T10:00:00", "2026-04-01T10:00:00Z", "2026-04-01T10:00:00.5+02:00"]) {
      const created = await h.call("create_meeting", { userId: "me", topic: "t", type: 2, start_time });
      expect(created.isError, textOf(created)).toBeFalsy();
      expect(h.fake.requests.at(-1)!.body).toMatchObject({ start_time });
    }
  });

  it("accepts meeting IDs past 10 digits as numbers or strings", async () => {
    await h.call("get_meeting", { meetingId: 98765432101 });
    await h.call("get_meeting", { meetingId: "12345678901234567890" });
    expect(h.fake.requests.map((r) => r.path)).toEqual(["/meetings/98765432101", "/meetings/12345678901234567890"]);
  });

  it("answers an unknown tool with an error result", async () => {
    const result = await h.call("no_such_tool", {});
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("Unknown tool");
  });
});

describe("path encoding", () => {
  it("encodes every path parameter as one segment", () => {
    expect(fillPath("/users/{userId}/meetings", { userId: "a/b?c#d" })).toBe("/users/a%2Fb%3Fc%23d/meetings");
    expect(fillPath("/users/{userId}", { userId: "jill+test@example.com" })).toBe("/users/jill%2Btest%40example.com");
  });

  it("double-encodes UUIDs that start with / or contain //", () => {
    expect(encodePathParam("/abc==")).toBe("%252Fabc%253D%253D");
    expect(encodePathParam("ab//c")).toBe("ab%252F%252Fc");
    expect(encodePathParam("ab/c+d=")).toBe("ab%2Fc%2Bd%3D");
  });

  it("refuses dot segments and missing values", () => {
    expect(() => fillPath("/users/{userId}", { userId: ".." })).toThrow(UnsafePathError);
    expect(() => fillPath("/users/{userId}", {})).toThrow(UnsafePathError);
  });
});
