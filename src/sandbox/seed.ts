/** The sandbox's starting data: a few users, meetings, a webinar, a past meeting and its recording. */
import { Rng, type Json, type MeetingRecord, type PastMeetingRecord, type SandboxState } from "./state.js";

export const DEFAULT_SEED = 42;
/** The fixed "now" of the starting data, so a seed always gives the same world. */
const EPOCH = Date.parse("2026-01-05T15:00:00Z");

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function newUser(rng: Rng, fields: { email: string; first_name: string; last_name: string; type?: number; role_id?: string }, now: number): Json {
  return {
    id: rng.id(),
    first_name: fields.first_name,
    last_name: fields.last_name,
    display_name: `${fields.first_name} ${fields.last_name}`.trim(),
    email: fields.email,
    type: fields.type ?? 2,
    pmi: Number(`9${rng.digits(9)}`),
    timezone: "America/New_York",
    verified: 1,
    dept: "",
    created_at: iso(now),
    last_login_time: iso(now),
    language: "en-US",
    status: "active",
    role_id: fields.role_id ?? "2",
  };
}

export function newMeeting(rng: Rng, host: Json, body: Json, now: number, kind: "meeting" | "webinar"): MeetingRecord {
  const id = rng.meetingId();
  const type = Number(body.type ?? (kind === "webinar" ? 5 : 2));
  const record: MeetingRecord = {
    uuid: rng.uuid(),
    id,
    host_id: String(host.id),
    host_email: String(host.email),
    topic: String(body.topic ?? (kind === "webinar" ? "Zoom Webinar" : "Zoom Meeting")),
    type,
    status: "waiting",
    duration: Number(body.duration ?? 60),
    timezone: String(body.timezone ?? host.timezone ?? "UTC"),
    agenda: String(body.agenda ?? ""),
    created_at: iso(now),
    join_url: `https://sandbox.zoom-mcp.invalid/${kind === "webinar" ? "w" : "j"}/${id}`,
    start_url: `https://sandbox.zoom-mcp.invalid/s/${id}`,
    password: String(body.password ?? rng.digits(6)),
    settings: {
      host_video: false,
      participant_video: false,
      join_before_host: false,
      mute_upon_entry: false,
      waiting_room: true,
      approval_type: 2,
      audio: "both",
      auto_recording: "none",
      ...(body.settings as Json | undefined),
    },
    livestream: { stream_url: "", stream_key: "", page_url: "" },
    livestream_status: { status: "stopped" },
    polls: [],
    registrants: [],
    registrant_questions: { questions: [{ field_name: "last_name", required: true }], custom_questions: [] },
    ...(kind === "webinar" ? { panelists: [] } : {}),
  };
  if (type !== 1 && type !== 3) record.start_time = typeof body.start_time === "string" ? body.start_time : iso(now + 3_600_000);
  if (body.recurrence) record.recurrence = body.recurrence as Json;
  return record;
}

export function seedState(seed = DEFAULT_SEED): SandboxState {
  const rng = new Rng(seed);
  const owner = newUser(rng, { email: "owner@sandbox.example", first_name: "Olivia", last_name: "Owner", role_id: "0" }, EPOCH);
  const admin = newUser(rng, { email: "admin@sandbox.example", first_name: "Adam", last_name: "Admin", role_id: "1" }, EPOCH);
  const member = newUser(rng, { email: "member@sandbox.example", first_name: "Mia", last_name: "Member", type: 1 }, EPOCH);
  const day = 86_400_000;

  const standup = newMeeting(rng, owner, { topic: "Daily standup", type: 8, start_time: iso(EPOCH + day), duration: 15, recurrence: { type: 1, repeat_interval: 1, end_times: 20 } }, EPOCH, "meeting");
  const review = newMeeting(rng, owner, { topic: "Quarterly review", type: 2, start_time: iso(EPOCH + 3 * day), duration: 90 }, EPOCH, "meeting");
  const oneOnOne = newMeeting(rng, admin, { topic: "1:1 Adam / Mia", type: 2, start_time: iso(EPOCH + 2 * day), duration: 30 }, EPOCH, "meeting");
  review.polls.push({ id: rng.id(), title: "Agenda check", status: "notstart", anonymous: false, poll_type: 1, questions: [{ name: "Is the agenda clear?", type: "single", answers: ["Yes", "No"] }] });
  review.registrants.push({ id: rng.id(), email: "guest@example.com", first_name: "Gus", last_name: "Guest", status: "approved", create_time: iso(EPOCH), join_url: `${review.join_url}?tk=${rng.id()}` });
  review.settings.approval_type = 0;

  const webinar = newMeeting(rng, owner, { topic: "Product launch webinar", type: 5, start_time: iso(EPOCH + 7 * day), duration: 60 }, EPOCH, "webinar");
  webinar.panelists!.push({ id: rng.id(), name: "Pat Panelist", email: "panelist@example.com", join_url: `${webinar.join_url}?pk=${rng.id()}` });
  webinar.polls.push({ id: rng.id(), title: "Launch feedback", status: "notstart", anonymous: true, poll_type: 1, questions: [{ name: "Will you try it?", type: "single", answers: ["Yes", "Maybe", "No"] }] });
  webinar.registrants.push({ id: rng.id(), email: "attendee@example.com", first_name: "Ada", last_name: "Attendee", status: "approved", create_time: iso(EPOCH), join_url: `${webinar.join_url}?tk=${rng.id()}` });

  const pastStart = EPOCH - 2 * day;
  const past: PastMeetingRecord = {
    uuid: rng.uuid(),
    id: review.id,
    host_id: String(owner.id),
    topic: "Quarterly review (last quarter)",
    type: 2,
    start_time: iso(pastStart),
    end_time: iso(pastStart + 55 * 60_000),
    duration: 55,
    participants: [owner, admin, member, { email: "guest@example.com", first_name: "Gus", last_name: "Guest" }].map((u, i) => ({
      id: String(u.id ?? ""),
      user_id: String(rng.int(16_000_000, 16_999_999)),
      name: `${u.first_name} ${u.last_name}`,
      user_email: u.email,
      join_time: iso(pastStart + i * 60_000),
      leave_time: iso(pastStart + 55 * 60_000),
      duration: (55 - i) * 60,
      status: "in_meeting",
    })),
    polls: [],
  };
  const recording: Json = {
    uuid: past.uuid,
    id: past.id,
    account_id: "sandbox-account",
    host_id: past.host_id,
    topic: past.topic,
    type: 2,
    start_time: past.start_time,
    duration: 55,
    total_size: 52_428_800,
    recording_count: 2,
    share_url: `https://sandbox.zoom-mcp.invalid/rec/share/${rng.id()}`,
    recording_files: [
      { id: rng.id(), meeting_id: past.uuid, recording_start: past.start_time, recording_end: past.end_time, file_type: "MP4", file_extension: "MP4", file_size: 50_331_648, recording_type: "shared_screen_with_speaker_view", status: "completed", download_url: `https://sandbox.zoom-mcp.invalid/rec/download/${rng.id()}` },
      { id: rng.id(), meeting_id: past.uuid, recording_start: past.start_time, recording_end: past.end_time, file_type: "M4A", file_extension: "M4A", file_size: 2_097_152, recording_type: "audio_only", status: "completed", download_url: `https://sandbox.zoom-mcp.invalid/rec/download/${rng.id()}` },
    ],
  };

  return {
    version: 1,
    seed,
    rng: rng.position,
    accountId: "sandbox-account",
    users: [owner, admin, member],
    meetings: [standup, review, oneOnOne],
    webinars: [webinar],
    pastMeetings: [past],
    recordings: [recording],
    groups: [{ id: rng.id(), name: "Engineering", total_members: 2, members: [owner.id, admin.id] }],
    roles: [
      { id: "0", name: "Owner", description: "Account owner", total_members: 1 },
      { id: "1", name: "Admin", description: "Account administrator", total_members: 1 },
      { id: "2", name: "Member", description: "Account member", total_members: 1 },
    ],
    trackingFields: [{ id: rng.id(), field: "Cost center", required: false, visible: true, recommended_values: ["R&D", "Sales"] }],
  };
}
