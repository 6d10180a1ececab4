/**
 * The sandbox's starting data: a few users in a group, meetings, a webinar, two past meetings (one
 * recorded, with its transcript) and their AI Companion summaries, a phone site with two phone users
 * and a call queue, and a Zoom Room in a building.
 */
import { Rng, STATE_VERSION, type Json, type MeetingRecord, type MeetingSummaryRecord, type PastMeetingRecord, type PhoneUserRecord, type SandboxState, type TranscriptRecord } from "./state.js";
import { iso, startTimeOf } from "./time.js";

export { iso };

export const DEFAULT_SEED = 42;
/** The fixed "now" of the starting data, so a seed always gives the same world. */
const EPOCH = Date.parse("2026-01-05T15:00:00Z");

export function newUser(rng: Rng, fields: { email: string; first_name: string; last_name: string; type?: number; role_id?: string; status?: string }, now: number): Json {
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
    status: fields.status ?? "active",
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
  // Instant meetings start now; scheduled ones without a time start now too (Zoom's rule); 3 and 6 have no fixed time.
  if (type === 1) record.start_time = iso(now);
  else if (type !== 3 && type !== 6) record.start_time = startTimeOf(typeof body.start_time === "string" ? body.start_time : iso(now), record.timezone, now, kind);
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
    participants: participantsOf(rng, [owner, admin, member, { email: "guest@example.com", first_name: "Gus", last_name: "Guest" }], pastStart, 55),
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

  const groups = [{ id: rng.id(), name: "Engineering", members: [owner.id, admin.id] }];
  const trackingFields = [{ id: rng.id(), field: "Cost center", required: false, visible: true, recommended_values: ["R&D", "Sales"] }];

  const site = { id: rng.id(), name: "Main Site", site_code: 1, short_extension: { length: 3 }, country: { code: "US", name: "United States" }, main_auto_receptionist: { id: rng.id(), name: "Main Auto Receptionist", extension_number: 100 } };
  const branch = { id: rng.id(), name: "Branch Site", site_code: 2, short_extension: { length: 3 }, country: { code: "US", name: "United States" }, main_auto_receptionist: { id: rng.id(), name: "Branch Auto Receptionist", extension_number: 150 } };
  const phoneUsers: Record<string, PhoneUserRecord> = {};
  for (const [user, extension] of [[owner, 101], [admin, 102]] as const) phoneUsers[String(user.id)] = newPhoneUser(rng, user, site.id, extension);
  const callQueues = [{ id: rng.id(), extension_id: rng.id(), name: "Support", extension_number: 200, site_id: site.id, status: "active", description: "First-line support", cost_center: "", department: "", members: [String(admin.id)] }];

  const country = { id: rng.id(), name: "United States", type: "country", parent_location_id: "", basic: { name: "United States", description: "", timezone: "America/New_York", address: "" } };
  const building = { id: rng.id(), name: "HQ", type: "building", parent_location_id: country.id, basic: { name: "HQ", description: "Head office", timezone: "America/New_York", address: "1 Main Street" } };
  const room = newRoom(rng, { name: "Board Room", location_id: building.id, type: "ZoomRoom" });
  const auditor = { id: rng.id(), name: "Auditor", description: "Reads reports", type: "common", privileges: ["Report:Read"] };

  // Drawn after everything above, so adding them left every earlier ID as it was.
  const standupStart = EPOCH - 3 * day;
  const pastStandup: PastMeetingRecord = {
    uuid: rng.uuid(),
    id: standup.id,
    host_id: String(owner.id),
    topic: standup.topic,
    type: 8,
    start_time: iso(standupStart),
    end_time: iso(standupStart + 15 * 60_000),
    duration: 15,
    participants: participantsOf(rng, [owner, admin, member], standupStart, 15),
    polls: [],
  };
  const users = [owner, admin, member];
  const pastMeetings = [past, pastStandup];
  const recordings = [recording];

  return {
    version: STATE_VERSION,
    seed,
    accountId: "sandbox-account",
    users,
    meetings: [standup, review, oneOnOne],
    webinars: [webinar],
    pastMeetings,
    recordings,
    ...transcriptsAndSummaries(rng, { users, pastMeetings, recordings }),
    groups,
    roles: [
      { id: "0", name: "Owner", description: "Account owner", type: "common" },
      { id: "1", name: "Admin", description: "Account administrator", type: "common" },
      { id: "2", name: "Member", description: "Account member", type: "common" },
      auditor,
    ],
    trackingFields,
    userSettings: {},
    phoneSites: [site, branch],
    phoneUsers,
    callQueues,
    rooms: [room],
    roomLocations: [country, building],
    // Last, so it counts every ID drawn above.
    rng: rng.position,
  };
}

/** Who attended a past meeting: everyone from its start (a minute apart) until it ended `minutes` later. */
function participantsOf(rng: Rng, people: Json[], start: number, minutes: number): Json[] {
  return people.map((u, i) => ({
    id: String(u.id ?? ""),
    user_id: String(rng.int(16_000_000, 16_999_999)),
    name: `${String(u.first_name)} ${String(u.last_name)}`,
    user_email: u.email,
    join_time: iso(start + i * 60_000),
    leave_time: iso(start + minutes * 60_000),
    duration: (minutes - i) * 60,
    status: "in_meeting",
  }));
}

/**
 * A transcript for every past meeting with a cloud recording and a summary for every past meeting:
 * for the starting data and for state files from before version 3.
 */
export function transcriptsAndSummaries(rng: Rng, s: Pick<SandboxState, "users" | "pastMeetings" | "recordings">): Pick<SandboxState, "transcripts" | "meetingSummaries"> {
  const recorded = new Set(s.recordings.map((r) => String(r.uuid)));
  return {
    transcripts: s.pastMeetings.filter((m) => recorded.has(m.uuid)).map((m) => newTranscript(rng, m)),
    meetingSummaries: s.pastMeetings.map((m) => newMeetingSummary(rng, m, s.users)),
  };
}

export function newTranscript(rng: Rng, past: PastMeetingRecord): TranscriptRecord {
  return { meeting_uuid: past.uuid, created_time: iso(Date.parse(past.end_time) + 5 * 60_000), download_id: rng.id() };
}

// Our own stock phrases for the generated summaries.
const POINTS = [
  "went through the open items from the last session",
  "gave an update on the work in progress",
  "raised a risk to the timeline and proposed a way around it",
  "asked for feedback on the draft plan",
  "recapped the decisions made so far",
  "offered to help with testing before the release",
];
const STEPS = [
  "send the notes to everyone who joined",
  "book a follow-up before the next session",
  "update the shared plan with the decisions from this meeting",
  "check the open questions with the wider team",
];

const listOf = (names: string[]) => (names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)!}`);

/** A summary in Markdown that names the meeting's topic, its host and every participant. */
export function newMeetingSummary(rng: Rng, past: PastMeetingRecord, users: Json[]): MeetingSummaryRecord {
  const host = users.find((u) => u.id === past.host_id);
  const names = past.participants.map((p) => String(p.name));
  const hostName = host ? `${String(host.first_name)} ${String(host.last_name)}`.trim() : (names[0] ?? "The host");
  const others = names.filter((n) => n !== hostName);
  const created = iso(Date.parse(past.end_time) + 2 * 60_000);
  // The seed picks where in each list of phrases to start; each person then gets the next one.
  const point = rng.int(0, POINTS.length - 1);
  const step = rng.int(0, STEPS.length - 1);
  const content = [
    "## Quick recap",
    `${hostName} hosted "${past.topic}" on ${past.start_time.slice(0, 10)} for ${past.duration} minutes, with ${listOf(others.length ? others : names)}.`,
    "",
    "## Discussion",
    ...names.map((n, i) => `- **${n}** ${POINTS[(point + i) % POINTS.length]!}.`),
    "",
    "## Next steps",
    ...[hostName, ...others.slice(0, 1)].map((n, i) => `- **${n}**: ${STEPS[(step + i) % STEPS.length]!}.`),
  ].join("\n");
  return { meeting_uuid: past.uuid, title: `${past.topic}: meeting summary`, content, created_time: created, last_modified_time: created, last_modified_user_id: past.host_id, doc_id: rng.id() };
}

export function newPhoneUser(rng: Rng, user: Json, siteId: string, extension: number): PhoneUserRecord {
  return { id: String(user.id), phone_user_id: rng.id(), extension_id: rng.id(), extension_number: extension, site_id: siteId, status: "activate", department: "", cost_center: "", phone_numbers: [], calling_plans: [{ type: 200, name: "Unlimited Regional" }] };
}

export function newRoom(rng: Rng, fields: Json): Json {
  const id = rng.id();
  return {
    id,
    room_id: id,
    name: String(fields.name ?? "Zoom Room"),
    type: String(fields.type ?? "ZoomRoom"),
    location_id: String(fields.location_id ?? ""),
    status: "Offline",
    activation_code: `${rng.digits(4)}-${rng.digits(4)}-${rng.digits(4)}-${rng.digits(4)}`,
    tag_ids: (fields.tag_ids as string[] | undefined) ?? [],
    ...(fields.calendar_resource_id ? { calendar_resource_id: fields.calendar_resource_id } : {}),
    ...(fields.user_id ? { user_id: fields.user_id } : {}),
    basic: { display_name: String(fields.name ?? "Zoom Room"), hide_room_in_contacts: false, support_email: "", support_phone: "", room_passcode: rng.digits(6), capacity: 0 },
    device: {},
    setup: {},
  };
}

/** A user's settings as Zoom starts them: the common switches an agent reads and changes. */
export function defaultUserSettings(): Json {
  return {
    schedule_meeting: { host_video: false, participants_video: false, join_before_host: false, use_pmi_for_scheduled_meetings: false, use_pmi_for_instant_meetings: false, require_password_for_scheduling_new_meetings: true, audio_type: "both", personal_meeting: true },
    in_meeting: { chat: true, private_chat: true, auto_saving_chat: false, file_transfer: true, screen_sharing: true, who_can_share_screen: "host", annotation: true, whiteboard: true, breakout_room: false, waiting_room: true, polling: true, closed_caption: true, remote_control: true, non_verbal_feedback: false, virtual_background: true },
    email_notification: { jbh_reminder: true, cancel_meeting_reminder: true, alternative_host_reminder: true, schedule_for_reminder: true, cloud_recording_available_reminder: true },
    recording: { local_recording: true, cloud_recording: true, auto_recording: "none", record_speaker_view: true, record_gallery_view: false, record_audio_file: true, save_chat_text: true, show_timestamp: true, auto_delete_cmr: false, auto_delete_cmr_days: 30 },
    telephony: { third_party_audio: false, audio_conference_info: "", show_international_numbers_link: true },
    feature: { meeting_capacity: 100, large_meeting: false, webinar: false, zoom_phone: false },
    profile: { recording_storage_location: { allowed_values: ["US"], value: "US" } },
  };
}
