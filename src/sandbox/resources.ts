/**
 * The stateful endpoints: users, meetings (live stream, polls, registrants, questions,
 * invitation), webinars (panelists, registrants, polls), past meetings, recordings, groups, roles
 * and tracking fields. Keyed by tool name; every other tool is answered by generic.ts.
 */
import { iso, newMeeting, newUser } from "./seed.js";
import { created, merge, noContent, ok, page, validationFailed, ZoomError, type Handler, type HandlerContext, type SandboxRequest } from "./http.js";
import type { Json, MeetingRecord, PastMeetingRecord } from "./state.js";

type Body = Record<string, unknown>;
const bodyOf = (req: SandboxRequest): Body => (req.body && typeof req.body === "object" ? (req.body as Body) : {});

function findUser({ state }: HandlerContext, userId: string): Json {
  const key = userId.toLowerCase();
  const user = key === "me" ? state.users[0] : state.users.find((u) => u.id === userId || String(u.email).toLowerCase() === key);
  if (!user) throw new ZoomError(404, 1001, `User does not exist: ${userId}.`);
  return user;
}

function findMeeting({ state }: HandlerContext, meetingId: string, kind: "meeting" | "webinar" = "meeting"): MeetingRecord {
  const list = kind === "webinar" ? state.webinars : state.meetings;
  const found = list.find((m) => String(m.id) === meetingId || m.uuid === meetingId);
  if (!found) throw new ZoomError(404, 3001, `${kind === "webinar" ? "Webinar" : "Meeting"} does not exist: ${meetingId}.`);
  return found;
}

function findIn<T extends Json>(items: T[] | undefined, id: string, what: string, code = 3001): T {
  const found = items?.find((x) => x.id === id);
  if (!found) throw new ZoomError(404, code, `${what} does not exist: ${id}.`);
  return found;
}

/** What a meeting looks like on the wire: the stored record without the sandbox's own sub-collections. */
function view(m: MeetingRecord): Json {
  const { polls: _p, registrants: _r, registrant_questions: _q, livestream: _l, livestream_status: _s, panelists: _x, ...rest } = m;
  return rest;
}

function listView(m: MeetingRecord): Json {
  return { uuid: m.uuid, id: m.id, host_id: m.host_id, topic: m.topic, type: m.type, start_time: m.start_time, duration: m.duration, timezone: m.timezone, created_at: m.created_at, join_url: m.join_url };
}

/** Zoom-like checks that a typed schema cannot express. */
function checkSchedule(body: Body, kind: "meeting" | "webinar"): void {
  const errors: Array<{ field: string; message: string }> = [];
  if (body.start_time !== undefined && (typeof body.start_time !== "string" || Number.isNaN(Date.parse(body.start_time)))) {
    errors.push({ field: "start_time", message: "Invalid field: expected yyyy-MM-ddTHH:mm:ss (UTC with Z, or local time with timezone)." });
  }
  if (typeof body.duration === "number" && body.duration < 0) errors.push({ field: "duration", message: "Invalid field: must not be negative." });
  const recurringType = kind === "webinar" ? 9 : 8;
  if (body.type === recurringType && !body.recurrence) errors.push({ field: "recurrence", message: `Required for type ${recurringType} (recurring with a fixed time).` });
  if (body.recurrence && typeof body.recurrence === "object") {
    const r = body.recurrence as Body;
    if (r.type === 2 && typeof r.weekly_days === "string" && !/^[1-7](,[1-7])*$/.test(r.weekly_days)) {
      errors.push({ field: "recurrence.weekly_days", message: "Invalid field: comma-separated days 1 (Sunday) to 7 (Saturday)." });
    }
  }
  if (errors.length) throw validationFailed(errors);
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

function newPoll(ctx: HandlerContext, body: Body): Json {
  return { id: ctx.rng.id(), status: "notstart", anonymous: false, poll_type: 1, ...body };
}

function scheduleFor(kind: "meeting" | "webinar"): Record<string, Handler> {
  const id = kind === "webinar" ? "webinarId" : "meetingId";
  const one = kind;
  const p = kind === "webinar" ? "webinar" : "meeting";
  return {
    [`create_user_${one}`]: (req, ctx) => {
      const host = findUser(ctx, req.params.userId!);
      const body = bodyOf(req);
      checkSchedule(body, kind);
      const m = newMeeting(ctx.rng, host, body, ctx.now, kind);
      (kind === "webinar" ? ctx.state.webinars : ctx.state.meetings).push(m);
      return created(view(m));
    },
    [`list_user_${one}s`]: (req, ctx) => {
      const host = findUser(ctx, req.params.userId!);
      const list = (kind === "webinar" ? ctx.state.webinars : ctx.state.meetings).filter((m) => m.host_id === host.id);
      const type = req.query.type ?? "scheduled";
      const chosen = type === "live" ? list.filter((m) => m.status === "started") : type === "upcoming" ? list.filter((m) => !m.start_time || Date.parse(m.start_time) >= ctx.now) : list;
      return ok(page(chosen.map(listView), req.query, `${one}s`));
    },
    [`get_${one}`]: (req, ctx) => ok(view(findMeeting(ctx, req.params[id]!, kind))),
    [`update_${one}`]: (req, ctx) => {
      const m = findMeeting(ctx, req.params[id]!, kind);
      const body = bodyOf(req);
      checkSchedule({ ...body, type: body.type ?? m.type, recurrence: body.recurrence ?? m.recurrence }, kind);
      merge(m, body);
      return noContent();
    },
    [`delete_${one}`]: (req, ctx) => {
      const list = kind === "webinar" ? ctx.state.webinars : ctx.state.meetings;
      const m = findMeeting(ctx, req.params[id]!, kind);
      if (m.status === "started") throw new ZoomError(400, 3002, `Sorry, you cannot delete this ${kind} since it is in progress.`);
      list.splice(list.indexOf(m), 1);
      return noContent();
    },
    [`update_${p}_status`]: (req, ctx) => {
      const m = findMeeting(ctx, req.params[id]!, kind);
      m.status = bodyOf(req).action === "end" ? "finished" : m.status;
      return noContent();
    },
    [`list_${p}_polls`]: (req, ctx) => {
      const m = findMeeting(ctx, req.params[id]!, kind);
      return ok({ total_records: m.polls.length, polls: m.polls });
    },
    [`create_${p}_poll`]: (req, ctx) => {
      const poll = newPoll(ctx, bodyOf(req));
      findMeeting(ctx, req.params[id]!, kind).polls.push(poll);
      return created(poll);
    },
    [`get_${p}_poll`]: (req, ctx) => ok(findIn(findMeeting(ctx, req.params[id]!, kind).polls, req.params.pollId!, "Poll")),
    [`update_${p}_poll`]: (req, ctx) => {
      merge(findIn(findMeeting(ctx, req.params[id]!, kind).polls, req.params.pollId!, "Poll"), bodyOf(req));
      return noContent();
    },
    [`delete_${p}_poll`]: (req, ctx) => {
      const m = findMeeting(ctx, req.params[id]!, kind);
      m.polls.splice(m.polls.indexOf(findIn(m.polls, req.params.pollId!, "Poll")), 1);
      return noContent();
    },
    [`list_${p}_registrants`]: (req, ctx) => {
      const m = findMeeting(ctx, req.params[id]!, kind);
      const status = req.query.status ?? "approved";
      return ok(page(m.registrants.filter((r) => r.status === status), req.query, "registrants"));
    },
    [`create_${p}_registrant`]: (req, ctx) => created(addRegistrant(ctx, findMeeting(ctx, req.params[id]!, kind), bodyOf(req))),
    [`update_${p}_registrants_status`]: (req, ctx) => {
      setRegistrantStatus(findMeeting(ctx, req.params[id]!, kind), bodyOf(req));
      return noContent();
    },
    [`list_${p}_registrants_questions`]: (req, ctx) => ok(findMeeting(ctx, req.params[id]!, kind).registrant_questions),
    [`update_${p}_registrants_questions`]: (req, ctx) => {
      const m = findMeeting(ctx, req.params[id]!, kind);
      const body = bodyOf(req);
      m.registrant_questions = { questions: (body.questions as Json[] | undefined) ?? [], custom_questions: (body.custom_questions as Json[] | undefined) ?? [] };
      return noContent();
    },
  };
}

const meetingOnly: Record<string, Handler> = {
  get_meeting_invitation: (req, ctx) => {
    const m = findMeeting(ctx, req.params.meetingId!);
    return ok({ invitation: `${m.host_email} is inviting you to a scheduled Zoom meeting.\n\nTopic: ${m.topic}\nTime: ${m.start_time ?? "any time"}\n\nJoin: ${m.join_url}\nMeeting ID: ${m.id}\nPasscode: ${m.password}` });
  },
  get_meeting_livestream: (req, ctx) => ok(findMeeting(ctx, req.params.meetingId!).livestream),
  update_meeting_livestream: (req, ctx) => {
    const m = findMeeting(ctx, req.params.meetingId!);
    merge(m.livestream, bodyOf(req));
    return noContent();
  },
  update_meeting_livestream_status: (req, ctx) => {
    const m = findMeeting(ctx, req.params.meetingId!);
    const body = bodyOf(req);
    if (body.action === "start" && !m.livestream.stream_url) {
      throw new ZoomError(400, 3000, "Set the live stream's stream_url and stream_key (update_meeting_livestream) before starting it.");
    }
    m.livestream_status = { status: body.action === "start" ? "started" : "stopped", ...(body.settings ? { settings: body.settings as Json } : {}) };
    return noContent();
  },
  delete_meeting_registrant: (req, ctx) => {
    const m = findMeeting(ctx, req.params.meetingId!);
    m.registrants.splice(m.registrants.indexOf(findIn(m.registrants, req.params.registrantId!, "Registrant")), 1);
    return noContent();
  },
};

const webinarOnly: Record<string, Handler> = {
  list_webinar_panelists: (req, ctx) => {
    const w = findMeeting(ctx, req.params.webinarId!, "webinar");
    return ok({ total_records: w.panelists!.length, panelists: w.panelists });
  },
  create_webinar_panelist: (req, ctx) => {
    const w = findMeeting(ctx, req.params.webinarId!, "webinar");
    for (const p of (bodyOf(req).panelists as Json[] | undefined) ?? []) w.panelists!.push({ id: ctx.rng.id(), ...p, join_url: `${w.join_url}?pk=${ctx.rng.id()}` });
    return created({ id: String(w.id), updated_at: iso(ctx.now) });
  },
  delete_webinar_panelist: (req, ctx) => {
    const w = findMeeting(ctx, req.params.webinarId!, "webinar");
    w.panelists!.splice(w.panelists!.indexOf(findIn(w.panelists, req.params.panelistId!, "Panelist")), 1);
    return noContent();
  },
  delete_webinar_panelists: (req, ctx) => {
    findMeeting(ctx, req.params.webinarId!, "webinar").panelists = [];
    return noContent();
  },
};

/** A past meeting by UUID (one instance) or by meeting ID (the latest instance). */
function findPastMeeting({ state }: HandlerContext, meetingId: string): PastMeetingRecord {
  const found = state.pastMeetings.find((x) => x.uuid === meetingId || String(x.id) === meetingId);
  if (!found) throw new ZoomError(404, 3001, `Meeting does not exist: ${meetingId}.`);
  return found;
}

const past: Record<string, Handler> = {
  get_past_meeting: (req, ctx) => {
    const m = findPastMeeting(ctx, req.params.meetingId!);
    const { participants, polls: _polls, ...rest } = m;
    return ok({ ...rest, total_minutes: m.duration * participants.length, participants_count: participants.length, user_email: ctx.state.users.find((u) => u.id === m.host_id)?.email });
  },
  list_past_meeting_instances: (req, ctx) => ok({ meetings: ctx.state.pastMeetings.filter((x) => String(x.id) === req.params.meetingId).map((x) => ({ uuid: x.uuid, start_time: x.start_time })) }),
  list_past_meeting_participants: (req, ctx) => {
    const m = findPastMeeting(ctx, req.params.meetingId!);
    return ok(page(m.participants, req.query, "participants"));
  },
};

function findRecording(ctx: HandlerContext, meetingId: string): Json {
  const r = ctx.state.recordings.find((x) => x.uuid === meetingId || String(x.id) === meetingId);
  if (!r) throw new ZoomError(404, 3301, `This recording does not exist: ${meetingId}.`);
  return r;
}

const recordings: Record<string, Handler> = {
  list_user_recordings: (req, ctx) => {
    const user = findUser(ctx, req.params.userId!);
    const mine = ctx.state.recordings.filter((r) => r.host_id === user.id);
    return ok({ from: req.query.from ?? iso(ctx.now - 30 * 86_400_000).slice(0, 10), to: req.query.to ?? iso(ctx.now).slice(0, 10), ...page(mine, req.query, "meetings") });
  },
  list_meeting_recordings: (req, ctx) => ok(findRecording(ctx, req.params.meetingId!)),
  delete_meeting_recordings: (req, ctx) => {
    const r = findRecording(ctx, req.params.meetingId!);
    ctx.state.recordings.splice(ctx.state.recordings.indexOf(r), 1);
    return noContent();
  },
  delete_meeting_recording: (req, ctx) => {
    const r = findRecording(ctx, req.params.meetingId!);
    const files = r.recording_files as Json[];
    files.splice(files.indexOf(findIn(files, req.params.recordingId!, "Recording file", 3301)), 1);
    r.recording_count = files.length;
    return noContent();
  },
};

const users: Record<string, Handler> = {
  list_users: (req, ctx) => ok(page(ctx.state.users.filter((u) => u.status === (req.query.status ?? "active")), req.query, "users")),
  create_user: (req, ctx) => {
    const info = (bodyOf(req).user_info ?? {}) as Body;
    const email = String(info.email ?? "");
    if (ctx.state.users.some((u) => String(u.email).toLowerCase() === email.toLowerCase())) throw new ZoomError(409, 1005, `User already in the account: ${email}.`);
    const user = newUser(ctx.rng, { email, first_name: String(info.first_name ?? ""), last_name: String(info.last_name ?? ""), type: Number(info.type ?? 1) }, ctx.now);
    ctx.state.users.push(user);
    return created({ id: user.id, first_name: user.first_name, last_name: user.last_name, email: user.email, type: user.type });
  },
  get_user: (req, ctx) => ok(findUser(ctx, req.params.userId!)),
  update_user: (req, ctx) => {
    merge(findUser(ctx, req.params.userId!), bodyOf(req));
    return noContent();
  },
  delete_user: (req, ctx) => {
    const user = findUser(ctx, req.params.userId!);
    if (user === ctx.state.users[0]) throw new ZoomError(400, 1102, "The account owner cannot be deleted.");
    ctx.state.users.splice(ctx.state.users.indexOf(user), 1);
    return noContent();
  },
  update_user_status: (req, ctx) => {
    findUser(ctx, req.params.userId!).status = bodyOf(req).action === "deactivate" ? "inactive" : "active";
    return noContent();
  },
};

function crud(collection: "groups" | "roles" | "trackingFields", key: string, names: { list: string; create: string; get: string; update: string; del: string }, what: string, code: number): Record<string, Handler> {
  const find = (ctx: HandlerContext, id: string) => findIn(ctx.state[collection], id, what, code);
  return {
    [names.list]: (_req, ctx) => ok({ total_records: ctx.state[collection].length, [key]: ctx.state[collection] }),
    [names.create]: (req, ctx) => {
      const item = { id: ctx.rng.id(), ...bodyOf(req) };
      ctx.state[collection].push(item);
      return created(item);
    },
    [names.get]: (req, ctx) => ok(find(ctx, req.params[Object.keys(req.params)[0]!]!)),
    [names.update]: (req, ctx) => {
      merge(find(ctx, req.params[Object.keys(req.params)[0]!]!), bodyOf(req));
      return noContent();
    },
    [names.del]: (req, ctx) => {
      const item = find(ctx, req.params[Object.keys(req.params)[0]!]!);
      ctx.state[collection].splice(ctx.state[collection].indexOf(item), 1);
      return noContent();
    },
  };
}

export const statefulHandlers: Readonly<Record<string, Handler>> = {
  ...scheduleFor("meeting"),
  ...scheduleFor("webinar"),
  ...meetingOnly,
  ...webinarOnly,
  ...past,
  ...recordings,
  ...users,
  ...crud("groups", "groups", { list: "list_groups", create: "create_group", get: "get_group", update: "update_group", del: "delete_group" }, "Group", 4130),
  ...crud("roles", "roles", { list: "list_roles", create: "create_role", get: "get_role", update: "update_role", del: "delete_role" }, "Role", 300),
  ...crud("trackingFields", "tracking_fields", { list: "list_tracking_fields", create: "create_tracking_field", get: "get_tracking_field", update: "update_tracking_field", del: "delete_tracking_field" }, "Tracking field", 300),
};
