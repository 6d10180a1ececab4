/** Every Meetings tool, called through a real MCP client: the exact request that reaches Zoom. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { allTools } from "./helpers/catalog.js";
import { startHarness, textOf, type Harness } from "./helpers/harness.js";

interface Case {
  args: Record<string, unknown>;
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
}

const MEETING = "85746065123";
const UUID = "/ajXp112QmuoKj4854875==";

const cases: Record<string, Case> = {
  update_live_meeting_events: { args: { meetingId: MEETING, method: "recording.pause" }, method: "PATCH", path: `/live_meetings/${MEETING}/events`, body: { method: "recording.pause" } },
  get_meeting: { args: { meetingId: MEETING, occurrence_id: "1648194360000", show_previous_occurrences: true }, method: "GET", path: `/meetings/${MEETING}`, query: { occurrence_id: "1648194360000", show_previous_occurrences: "true" } },
  delete_meeting: { args: { meetingId: 85746065123, schedule_for_reminder: false }, method: "DELETE", path: `/meetings/${MEETING}`, query: { schedule_for_reminder: "false" } },
  update_meeting: {
    args: { meetingId: MEETING, topic: "Quarterly review", duration: 45, settings: { waiting_room: true } },
    method: "PATCH", path: `/meetings/${MEETING}`, body: { topic: "Quarterly review", duration: 45, settings: { waiting_room: true } },
  },
  create_meeting_batch_poll: {
    args: { meetingId: MEETING, polls: [{ title: "Lunch", questions: [{ name: "Pizza?", type: "single", answers: ["yes", "no"] }] }] },
    method: "POST", path: `/meetings/${MEETING}/batch_polls`, body: { polls: [{ title: "Lunch", questions: [{ name: "Pizza?", type: "single", answers: ["yes", "no"] }] }] },
  },
  get_meeting_invitation: { args: { meetingId: MEETING }, method: "GET", path: `/meetings/${MEETING}/invitation` },
  get_meeting_livestream: { args: { meetingId: MEETING }, method: "GET", path: `/meetings/${MEETING}/livestream` },
  update_meeting_livestream: {
    args: { meetingId: MEETING, stream_url: "rtmp://live.example.com/app", stream_key: "key-123", page_url: "https://example.com/live", resolution: "1080p" },
    method: "PATCH", path: `/meetings/${MEETING}/livestream`, body: { stream_url: "rtmp://live.example.com/app", stream_key: "key-123", page_url: "https://example.com/live", resolution: "1080p" },
  },
  update_meeting_livestream_status: {
    args: { meetingId: MEETING, action: "start", settings: { active_speaker_name: true, display_name: "Town hall" } },
    method: "PATCH", path: `/meetings/${MEETING}/livestream/status`, body: { action: "start", settings: { active_speaker_name: true, display_name: "Town hall" } },
  },
  list_meeting_polls: { args: { meetingId: MEETING, anonymous: true }, method: "GET", path: `/meetings/${MEETING}/polls`, query: { anonymous: "true" } },
  create_meeting_poll: {
    args: { meetingId: MEETING, title: "Check-in", questions: [{ name: "Ready?", type: "single", answers: ["Yes", "No"] }] },
    method: "POST", path: `/meetings/${MEETING}/polls`, body: { title: "Check-in", questions: [{ name: "Ready?", type: "single", answers: ["Yes", "No"] }] },
  },
  get_meeting_poll: { args: { meetingId: MEETING, pollId: "QalIoKWLTJehBJ8e1xRrbQ" }, method: "GET", path: `/meetings/${MEETING}/polls/QalIoKWLTJehBJ8e1xRrbQ` },
  update_meeting_poll: {
    args: { meetingId: MEETING, pollId: "p1", title: "Renamed" },
    method: "PUT", path: `/meetings/${MEETING}/polls/p1`, body: { title: "Renamed" },
  },
  delete_meeting_poll: { args: { meetingId: MEETING, pollId: "p1" }, method: "DELETE", path: `/meetings/${MEETING}/polls/p1` },
  list_meeting_registrants: {
    args: { meetingId: MEETING, status: "pending", page_size: 100, next_page_token: "tok" },
    method: "GET", path: `/meetings/${MEETING}/registrants`, query: { status: "pending", page_size: "100", next_page_token: "tok" },
  },
  create_meeting_registrant: {
    args: { meetingId: MEETING, email: "jill@example.com", first_name: "Jill", occurrence_ids: "1648194360000" },
    method: "POST", path: `/meetings/${MEETING}/registrants`, query: { occurrence_ids: "1648194360000" }, body: { email: "jill@example.com", first_name: "Jill" },
  },
  list_meeting_registrants_questions: { args: { meetingId: MEETING }, method: "GET", path: `/meetings/${MEETING}/registrants/questions` },
  update_meeting_registrants_questions: {
    args: { meetingId: MEETING, questions: [{ field_name: "city", required: true }] },
    method: "PATCH", path: `/meetings/${MEETING}/registrants/questions`, body: { questions: [{ field_name: "city", required: true }] },
  },
  update_meeting_registrants_status: {
    args: { meetingId: MEETING, action: "approve", registrants: [{ id: "r1", email: "a@example.com" }] },
    method: "PUT", path: `/meetings/${MEETING}/registrants/status`, body: { action: "approve", registrants: [{ id: "r1", email: "a@example.com" }] },
  },
  delete_meeting_registrant: {
    args: { meetingId: MEETING, registrantId: "r1", occurrence_id: "1648194360000" },
    method: "DELETE", path: `/meetings/${MEETING}/registrants/r1`, query: { occurrence_id: "1648194360000" },
  },
  update_meeting_status: { args: { meetingId: MEETING, action: "end" }, method: "PUT", path: `/meetings/${MEETING}/status`, body: { action: "end" } },
  get_past_meeting: { args: { meetingId: UUID }, method: "GET", path: `/past_meetings/${encodeURIComponent(encodeURIComponent(UUID))}` },
  list_past_meeting_instances: { args: { meetingId: MEETING }, method: "GET", path: `/past_meetings/${MEETING}/instances` },
  list_past_meeting_participants: {
    args: { meetingId: "aDYlohsHRtCd4ii1uC2+hA==", page_size: 30 },
    method: "GET", path: `/past_meetings/${encodeURIComponent("aDYlohsHRtCd4ii1uC2+hA==")}/participants`, query: { page_size: "30" },
  },
  list_past_meeting_polls: { args: { meetingId: MEETING }, method: "GET", path: `/past_meetings/${MEETING}/polls` },
  list_user_meeting_templates: { args: { userId: "jill@example.com" }, method: "GET", path: `/users/${encodeURIComponent("jill@example.com")}/meeting_templates` },
  list_meetings: {
    args: { userId: "me", type: "upcoming", page_size: 300, from: "2026-01-01", to: "2026-01-31", timezone: "UTC" },
    method: "GET", path: "/users/me/meetings", query: { type: "upcoming", page_size: "300", from: "2026-01-01", to: "2026-01-31", timezone: "UTC" },
  },
  create_meeting: {
    args: {
      userId: "jill@example.com",
      topic: "Weekly sync",
      type: 8,
      start_time: "2026-12-01T15:00:00Z",
      duration: 30,
      timezone: "America/New_York",
      recurrence: { type: 2, repeat_interval: 1, weekly_days: "2,4", end_times: 10 },
      settings: { join_before_host: false, approval_type: 2, alternative_hosts: "a@example.com" },
    },
    method: "POST",
    path: `/users/${encodeURIComponent("jill@example.com")}/meetings`,
    body: {
      topic: "Weekly sync",
      type: 8,
      start_time: "2026-12-01T15:00:00Z",
      duration: 30,
      timezone: "America/New_York",
      recurrence: { type: 2, repeat_interval: 1, weekly_days: "2,4", end_times: 10 },
      settings: { join_before_host: false, approval_type: 2, alternative_hosts: "a@example.com" },
    },
  },
};

describe("Meetings toolset", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ fakeOptions: { permissive: true } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.fake.reset());

  it("has a case for every Meetings tool, and the catalog has 28 of them", () => {
    const meetings = allTools.filter((t) => t.toolset === "meetings").map((t) => t.name).sort();
    expect(meetings).toHaveLength(28);
    expect(Object.keys(cases).sort()).toEqual(meetings);
  });

  for (const [name, c] of Object.entries(cases)) {
    it(`${name} sends ${c.method} ${c.path}`, async () => {
      const result = await h.call(name, c.args);
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(h.fake.requests).toHaveLength(1);
      const sent = h.fake.requests[0]!;
      expect(sent.method).toBe(c.method);
      expect(sent.path).toBe(c.path);
      expect(sent.query).toEqual(c.query ?? {});
      expect(sent.body).toEqual(c.body);
      expect(sent.headers.authorization).toBe("Bearer token-1");
    });
  }
});
