/**
 * Meetings and webinars (settings, live stream, polls, registrants, questions, invitation,
 * panelists, occurrences), past meetings and cloud recordings.
 */
import { bodyOf, findIn, findMeeting, findUser, remove, type Body } from "./find.js";
import { created, merge, noContent, ok, page, validationFailed, ZoomError, type HandlerContext, type HandlerTable } from "./http.js";
import { newMeeting } from "./seed.js";
import type { Json, MeetingRecord, PastMeetingRecord } from "./state.js";
import { iso, occurrencesOf, parseStartTime, scheduleErrors, startTimeOf, type Occurrence } from "./time.js";

type Kind = "meeting" | "webinar";

/** Recurring with a fixed time: meetings of type 8, webinars of type 9. Zoom caps webinars at 50 occurrences. */
const RECURRING = { meeting: { type: 8, cap: 60 }, webinar: { type: 9, cap: 50 } } as const;

function occurrences(m: MeetingRecord, kind: Kind): Occurrence[] | undefined {
  if (m.type !== RECURRING[kind].type || !m.recurrence || !m.start_time) return undefined;
  const start = parseStartTime(m.start_time, "UTC")!;
  const deleted = new Set(m.deleted_occurrences ?? []);
  return occurrencesOf(start, m.timezone, m.recurrence, m.duration, RECURRING[kind].cap).map((o) => (deleted.has(o.occurrence_id) ? { ...o, status: "deleted" } : o));
}

/**
 * What a meeting looks like on the wire: the stored record without the sandbox's own
 * sub-collections, with its occurrences; a recurring meeting's start_time is its next occurrence.
 * With `occurrenceId`, the start time of that occurrence.
 */
function view(m: MeetingRecord, kind: Kind, options: { occurrenceId?: string; showPrevious?: boolean } = {}): Json {
  const { polls: _p, registrants: _r, registrant_questions: _q, livestream: _l, livestream_status: _s, panelists: _x, deleted_occurrences: _d, ...rest } = m;
  const all = occurrences(m, kind);
  if (!all) return rest;
  const shown = options.showPrevious ? all : all.filter((o) => o.status === "available");
  const chosen = options.occurrenceId ? all.find((o) => o.occurrence_id === options.occurrenceId) : shown[0];
  if (options.occurrenceId && !chosen) throw new ZoomError(404, 3001, `Occurrence does not exist: ${options.occurrenceId}.`);
  return { ...rest, ...(chosen ? { start_time: chosen.start_time } : {}), occurrences: shown };
}

function listView(m: MeetingRecord, kind: Kind): Json {
  const v = view(m, kind);
  return { uuid: m.uuid, id: m.id, host_id: m.host_id, topic: m.topic, type: m.type, start_time: v.start_time, duration: m.duration, timezone: m.timezone, created_at: m.created_at, join_url: m.join_url };
}

function addRegistrant(ctx: HandlerContext, m: MeetingRecord, body: Body): Json {
  const registrant: Json = {
    id: ctx.rng.id(),
    ...body,
    status: m.settings.approval_type === 1 ? "pending" : "approved",
    create_time: iso(ctx.now),
    join_url: `${m.join_url}?tk=${ctx.rng.id()}`,
  };
  m.registrants.push(registrant);
  return { id: m.id, registrant_id: registrant.id, topic: m.topic, start_time: m.start_time, join_url: registrant.join_url, occurrences: [] };
}

function setRegistrantStatus(m: MeetingRecord, body: Body): void {
  const status = { approve: "approved", deny: "denied", cancel: "cancelled" }[String(body.action)] ?? "approved";
  const targets = (body.registrants as Json[] | undefined) ?? m.registrants.filter((r) => r.status === "pending");
  for (const t of targets) {
    const r = m.registrants.find((x) => x.id === t.id || (t.email && x.email === t.email));
    if (r) r.status = status;
  }
}

function scheduleFor(kind: Kind): HandlerTable {
  const id = kind === "webinar" ? "webinarId" : "meetingId";
  const base = kind === "webinar" ? "/webinars/{webinarId}" : "/meetings/{meetingId}";
  const collection = (ctx: HandlerContext) => (kind === "webinar" ? ctx.state.webinars : ctx.state.meetings);
  const find = (ctx: HandlerContext, value: string) => findMeeting(ctx, value, kind);
  /** Zoom-like checks that a typed schema cannot express, all reported at once. */
  const check = (body: Body, tz: string, type: unknown, recurrence: unknown) => {
    const errors = scheduleErrors(body, tz);
    if (type === RECURRING[kind].type && !recurrence) errors.push({ field: "recurrence", message: `Required for type ${RECURRING[kind].type} (recurring with a fixed time).` });
    if (errors.length) throw validationFailed(errors);
  };
  return {
    [`POST /users/{userId}/${kind}s`]: (req, ctx) => {
      const host = findUser(ctx, req.params.userId!);
      const body = bodyOf(req);
      check(body, String(body.timezone ?? host.timezone ?? "UTC"), body.type, body.recurrence);
      const m = newMeeting(ctx.rng, host, body, ctx.now, kind);
      collection(ctx).push(m);
      return created(view(m, kind));
    },
    [`GET /users/{userId}/${kind}s`]: (req, ctx) => {
      const host = findUser(ctx, req.params.userId!);
      const list = collection(ctx).filter((m) => m.host_id === host.id);
      const type = req.query.type ?? "scheduled";
      const upcoming = (m: MeetingRecord) => {
        const next = view(m, kind).start_time;
        return typeof next !== "string" || Date.parse(next) >= ctx.now;
      };
      const chosen = type === "live" ? list.filter((m) => m.status === "started") : type === "upcoming" || type === "upcoming_meetings" ? list.filter(upcoming) : list;
      return ok(page(chosen.map((m) => listView(m, kind)), req.query, `${kind}s`));
    },
    [`GET ${base}`]: (req, ctx) => ok(view(find(ctx, req.params[id]!), kind, { ...(req.query.occurrence_id ? { occurrenceId: req.query.occurrence_id } : {}), showPrevious: req.query.show_previous_occurrences === "true" })),
    [`PATCH ${base}`]: (req, ctx) => {
      const m = find(ctx, req.params[id]!);
      const body = bodyOf(req);
      const tz = String(body.timezone ?? m.timezone);
      check(body, tz, body.type ?? m.type, body.recurrence ?? m.recurrence);
      const { start_time, ...rest } = body;
      merge(m, rest);
      if (typeof body.recurrence === "object" && body.recurrence) m.recurrence = body.recurrence as Json;
      // A new timezone alone keeps the instant; a new start_time is read in the (new) timezone.
      if (start_time !== undefined) m.start_time = startTimeOf(String(start_time), tz, ctx.now, kind);
      return noContent();
    },
    [`DELETE ${base}`]: (req, ctx) => {
      const m = find(ctx, req.params[id]!);
      if (m.status === "started") throw new ZoomError(400, 3002, `Sorry, you cannot delete this ${kind} since it is in progress.`);
      const occurrenceId = req.query.occurrence_id;
      if (occurrenceId) {
        if (!occurrences(m, kind)?.some((o) => o.occurrence_id === occurrenceId)) throw new ZoomError(404, 3001, `Occurrence does not exist: ${occurrenceId}.`);
        (m.deleted_occurrences ??= []).push(occurrenceId);
        return noContent();
      }
      remove(collection(ctx), m);
      return noContent();
    },
    [`PUT ${base}/status`]: (req, ctx) => {
      const m = find(ctx, req.params[id]!);
      m.status = bodyOf(req).action === "end" ? "finished" : m.status;
      return noContent();
    },
    [`GET ${base}/polls`]: (req, ctx) => {
      const m = find(ctx, req.params[id]!);
      return ok({ total_records: m.polls.length, polls: m.polls });
    },
    [`POST ${base}/polls`]: (req, ctx) => {
      const poll = { id: ctx.rng.id(), status: "notstart", anonymous: false, poll_type: 1, ...bodyOf(req) };
      find(ctx, req.params[id]!).polls.push(poll);
      return created(poll);
    },
    [`GET ${base}/polls/{pollId}`]: (req, ctx) => ok(findIn(find(ctx, req.params[id]!).polls, req.params.pollId!, "Poll")),
    [`PUT ${base}/polls/{pollId}`]: (req, ctx) => {
      merge(findIn(find(ctx, req.params[id]!).polls, req.params.pollId!, "Poll"), bodyOf(req));
      return noContent();
    },
    [`DELETE ${base}/polls/{pollId}`]: (req, ctx) => {
      const m = find(ctx, req.params[id]!);
      remove(m.polls, findIn(m.polls, req.params.pollId!, "Poll"));
      return noContent();
    },
    [`GET ${base}/registrants`]: (req, ctx) => {
      const m = find(ctx, req.params[id]!);
      const status = req.query.status ?? "approved";
      return ok(page(m.registrants.filter((r) => r.status === status), req.query, "registrants"));
    },
    [`POST ${base}/registrants`]: (req, ctx) => created(addRegistrant(ctx, find(ctx, req.params[id]!), bodyOf(req))),
    [`PUT ${base}/registrants/status`]: (req, ctx) => {
      setRegistrantStatus(find(ctx, req.params[id]!), bodyOf(req));
      return noContent();
    },
    [`GET ${base}/registrants/questions`]: (req, ctx) => ok(find(ctx, req.params[id]!).registrant_questions),
    [`PATCH ${base}/registrants/questions`]: (req, ctx) => {
      const m = find(ctx, req.params[id]!);
      const body = bodyOf(req);
      m.registrant_questions = { questions: (body.questions as Json[] | undefined) ?? [], custom_questions: (body.custom_questions as Json[] | undefined) ?? [] };
      return noContent();
    },
  };
}

const meetingOnly: HandlerTable = {
  "GET /meetings/{meetingId}/invitation": (req, ctx) => {
    const m = findMeeting(ctx, req.params.meetingId!);
    return ok({ invitation: `${m.host_email} is inviting you to a scheduled Zoom meeting.\n\nTopic: ${m.topic}\nTime: ${m.start_time ?? "any time"} (${m.timezone})\n\nJoin: ${m.join_url}\nMeeting ID: ${m.id}\nPasscode: ${m.password}` });
  },
  "GET /meetings/{meetingId}/livestream": (req, ctx) => ok(findMeeting(ctx, req.params.meetingId!).livestream),
  "PATCH /meetings/{meetingId}/livestream": (req, ctx) => {
    merge(findMeeting(ctx, req.params.meetingId!).livestream, bodyOf(req));
    return noContent();
  },
  "PATCH /meetings/{meetingId}/livestream/status": (req, ctx) => {
    const m = findMeeting(ctx, req.params.meetingId!);
    const body = bodyOf(req);
    if (body.action === "start" && !m.livestream.stream_url) {
      throw new ZoomError(400, 3000, "Set the live stream's stream_url and stream_key (update_meeting_livestream) before starting it.");
    }
    m.livestream_status = { status: body.action === "start" ? "started" : "stopped", ...(body.settings ? { settings: body.settings as Json } : {}) };
    return noContent();
  },
  "POST /meetings/{meetingId}/batch_polls": (req, ctx) => {
    const m = findMeeting(ctx, req.params.meetingId!);
    const polls = ((bodyOf(req).polls as Body[] | undefined) ?? []).map((p) => ({ id: ctx.rng.id(), status: "notstart", anonymous: false, poll_type: 1, ...p }));
    m.polls.push(...polls);
    return created({ polls });
  },
  "DELETE /meetings/{meetingId}/registrants/{registrantId}": (req, ctx) => {
    const m = findMeeting(ctx, req.params.meetingId!);
    remove(m.registrants, findIn(m.registrants, req.params.registrantId!, "Registrant"));
    return noContent();
  },
};

const webinarOnly: HandlerTable = {
  "GET /webinars/{webinarId}/panelists": (req, ctx) => {
    const w = findMeeting(ctx, req.params.webinarId!, "webinar");
    return ok({ total_records: w.panelists!.length, panelists: w.panelists });
  },
  "POST /webinars/{webinarId}/panelists": (req, ctx) => {
    const w = findMeeting(ctx, req.params.webinarId!, "webinar");
    for (const p of (bodyOf(req).panelists as Json[] | undefined) ?? []) w.panelists!.push({ id: ctx.rng.id(), ...p, join_url: `${w.join_url}?pk=${ctx.rng.id()}` });
    return created({ id: String(w.id), updated_at: iso(ctx.now) });
  },
  "DELETE /webinars/{webinarId}/panelists/{panelistId}": (req, ctx) => {
    const w = findMeeting(ctx, req.params.webinarId!, "webinar");
    remove(w.panelists!, findIn(w.panelists, req.params.panelistId!, "Panelist"));
    return noContent();
  },
  "GET /webinars/{webinarId}/registrants/{registrantId}": (req, ctx) => ok(findIn(findMeeting(ctx, req.params.webinarId!, "webinar").registrants, req.params.registrantId!, "Registrant")),
  "DELETE /webinars/{webinarId}/registrants/{registrantId}": (req, ctx) => {
    const w = findMeeting(ctx, req.params.webinarId!, "webinar");
    remove(w.registrants, findIn(w.registrants, req.params.registrantId!, "Registrant"));
    return noContent();
  },
  "POST /webinars/{webinarId}/batch_registrants": (req, ctx) => {
    const w = findMeeting(ctx, req.params.webinarId!, "webinar");
    const body = bodyOf(req);
    const added = ((body.registrants as Body[] | undefined) ?? []).map((r) => {
      const answer = addRegistrant(ctx, w, r);
      if (body.auto_approve === true) w.registrants.at(-1)!.status = "approved";
      return { email: r.email, registrant_id: answer.registrant_id, join_url: answer.join_url };
    });
    return created({ registrants: added });
  },
  "DELETE /webinars/{webinarId}/panelists": (req, ctx) => {
    findMeeting(ctx, req.params.webinarId!, "webinar").panelists = [];
    return noContent();
  },
};

/** A past meeting by UUID (one instance) or by meeting ID (the latest instance). */
export function findPastMeeting({ state }: HandlerContext, meetingId: string): PastMeetingRecord {
  const found = state.pastMeetings.find((x) => x.uuid === meetingId || String(x.id) === meetingId);
  if (!found) throw new ZoomError(404, 3001, `Meeting does not exist: ${meetingId}.`);
  return found;
}

const past: HandlerTable = {
  "GET /past_meetings/{meetingId}": (req, ctx) => {
    const m = findPastMeeting(ctx, req.params.meetingId!);
    const { participants, polls: _polls, ...rest } = m;
    return ok({ ...rest, total_minutes: m.duration * participants.length, participants_count: participants.length, user_email: ctx.state.users.find((u) => u.id === m.host_id)?.email });
  },
  "GET /past_meetings/{meetingId}/instances": (req, ctx) =>
    ok({ meetings: ctx.state.pastMeetings.filter((x) => String(x.id) === req.params.meetingId).map((x) => ({ uuid: x.uuid, start_time: x.start_time })) }),
  "GET /past_meetings/{meetingId}/participants": (req, ctx) => ok(page(findPastMeeting(ctx, req.params.meetingId!).participants, req.query, "participants")),
};

/**
 * A meeting's recording by UUID or meeting ID. Trashed recordings (Zoom's default for a delete)
 * answer 404 until recovered, unless `trashed` asks for them.
 */
export function findRecording(ctx: HandlerContext, meetingId: string, trashed = false): Json {
  const r = ctx.state.recordings.find((x) => (x.uuid === meetingId || String(x.id) === meetingId) && (trashed || !x.trashed));
  if (!r) throw new ZoomError(404, 3301, `This recording does not exist: ${meetingId}.`);
  return r;
}

export const filesOf = (r: Json) => r.recording_files as Json[];

/** What list and get show: the recording without trashed files, counted again. */
function recordingView(r: Json): Json {
  const { settings: _s, trashed: _t, ...rest } = r;
  const files = filesOf(r).filter((f) => f.status !== "trash");
  return { ...rest, recording_files: files, recording_count: files.length, total_size: files.reduce((n, f) => n + Number(f.file_size ?? 0), 0) };
}

const recordings: HandlerTable = {
  "GET /users/{userId}/recordings": (req, ctx) => {
    const user = findUser(ctx, req.params.userId!);
    const mine = ctx.state.recordings.filter((r) => r.host_id === user.id);
    const window = { from: req.query.from ?? iso(ctx.now - 30 * 86_400_000).slice(0, 10), to: req.query.to ?? iso(ctx.now).slice(0, 10) };
    if (req.query.trash === "true") {
      // The trash: whole meetings (default), or single trashed files of meetings still listed.
      const chosen =
        req.query.trash_type === "recording_file"
          ? mine.filter((r) => !r.trashed && filesOf(r).some((f) => f.status === "trash")).map((r) => ({ ...recordingView(r), recording_files: filesOf(r).filter((f) => f.status === "trash") }))
          : mine.filter((r) => r.trashed).map((r) => ({ ...recordingView(r), recording_files: filesOf(r) }));
      return ok({ ...window, ...page(chosen, req.query, "meetings") });
    }
    return ok({ ...window, ...page(mine.filter((r) => !r.trashed).map(recordingView), req.query, "meetings") });
  },
  "GET /meetings/{meetingId}/recordings": (req, ctx) => ok(recordingView(findRecording(ctx, req.params.meetingId!))),
  "DELETE /meetings/{meetingId}/recordings": (req, ctx) => {
    const r = findRecording(ctx, req.params.meetingId!, req.query.action === "delete");
    if (req.query.action === "delete") {
      remove(ctx.state.recordings, r);
      // The transcript is part of the cloud recording: it goes with it.
      ctx.state.transcripts = ctx.state.transcripts.filter((t) => t.meeting_uuid !== r.uuid);
    } else r.trashed = true;
    return noContent();
  },
  "DELETE /meetings/{meetingId}/recordings/{recordingId}": (req, ctx) => {
    const r = findRecording(ctx, req.params.meetingId!);
    const file = findIn(filesOf(r), req.params.recordingId!, "Recording file", 3301);
    if (req.query.action === "delete") remove(filesOf(r), file);
    else file.status = "trash";
    return noContent();
  },
  "PUT /meetings/{meetingUUID}/recordings/status": (req, ctx) => {
    const r = findRecording(ctx, req.params.meetingUUID!, true);
    delete r.trashed;
    for (const f of filesOf(r)) if (f.status === "trash") f.status = "completed";
    return noContent();
  },
  "PUT /meetings/{meetingId}/recordings/{recordingId}/status": (req, ctx) => {
    const r = findRecording(ctx, req.params.meetingId!);
    const file = findIn(filesOf(r), req.params.recordingId!, "Recording file", 3301);
    if (file.status === "trash") file.status = "completed";
    return noContent();
  },
  "GET /meetings/{meetingId}/recordings/settings": (req, ctx) => ok(recordingSettings(findRecording(ctx, req.params.meetingId!))),
  "PATCH /meetings/{meetingId}/recordings/settings": (req, ctx) => {
    merge(recordingSettings(findRecording(ctx, req.params.meetingId!)), bodyOf(req));
    return noContent();
  },
};

function recordingSettings(r: Json): Json {
  return (r.settings ??= {
    share_recording: "publicly",
    recording_authentication: false,
    viewer_download: true,
    on_demand: false,
    approval_type: 2,
    send_email_to_host: true,
    show_social_share_buttons: true,
    topic: r.topic,
    password: "",
  }) as Json;
}

export const meetingHandlers: HandlerTable = { ...scheduleFor("meeting"), ...meetingOnly };
export const webinarHandlers: HandlerTable = { ...scheduleFor("webinar"), ...webinarOnly };
export const pastMeetingHandlers = past;
export const recordingHandlers = recordings;
