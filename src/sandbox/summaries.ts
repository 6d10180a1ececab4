/**
 * What a past meeting left behind, beyond its recording: the transcript of its cloud recording, its
 * AI Companion summary, and who viewed or downloaded the recording. All of it follows the past
 * meetings, recordings and participants in the state: only a recorded meeting has a transcript, a
 * summary names the meeting's topic and the people who joined, and the recording's analytics count
 * one view per participant and one download per recording file.
 */
import { noContent, ok, page, validationFailed, ZoomError, type HandlerContext, type HandlerTable } from "./http.js";
import { filesOf, findPastMeeting, findRecording } from "./meetings.js";
import { defaultUserSettings } from "./seed.js";
import type { Json, MeetingSummaryRecord, PastMeetingRecord, TranscriptRecord } from "./state.js";
import { iso } from "./time.js";

/** Where the sandbox's own web links point (never resolvable, like the API base). */
const WEB = "https://sandbox.zoom-mcp.invalid";
const DAY = 86_400_000;

const hostOf = (ctx: HandlerContext, m: PastMeetingRecord) => ctx.state.users.find((u) => u.id === m.host_id);

function findTranscript(ctx: HandlerContext, meetingId: string): { meeting: PastMeetingRecord; transcript: TranscriptRecord } {
  const meeting = findPastMeeting(ctx, meetingId);
  const transcript = ctx.state.transcripts.find((t) => t.meeting_uuid === meeting.uuid);
  if (!transcript) throw new ZoomError(404, 3322, `No transcript exists for this meeting: ${meetingId}.`);
  return { meeting, transcript };
}

function transcriptView(ctx: HandlerContext, meeting: PastMeetingRecord, t: TranscriptRecord): Json {
  const recording = ctx.state.recordings.find((r) => r.uuid === meeting.uuid);
  const trashed = !recording || recording.trashed === true;
  // The host's recording settings decide whether the cloud recording, and so its transcript, is deleted after some days.
  const settings = ((ctx.state.userSettings[meeting.host_id] ?? defaultUserSettings()).recording ?? {}) as Json;
  const autoDelete = settings.auto_delete_cmr === true;
  return {
    meeting_id: meeting.uuid,
    account_id: ctx.state.accountId,
    meeting_topic: meeting.topic,
    host_id: meeting.host_id,
    transcript_created_time: t.created_time,
    can_download: !trashed,
    auto_delete: autoDelete,
    ...(autoDelete ? { auto_delete_date: iso(Date.parse(meeting.start_time) + Number(settings.auto_delete_cmr_days ?? 30) * DAY).slice(0, 10) } : {}),
    download_url: trashed ? null : `${WEB}/rec/transcript/download/${t.download_id}`,
    ...(trashed ? { download_restriction_reason: "DELETED_OR_TRASHED" } : {}),
  };
}

/** A past meeting's summary; a trashed one answers 403 with code 2305, as Zoom does. */
function findSummary(ctx: HandlerContext, meetingId: string): { meeting: PastMeetingRecord; summary: MeetingSummaryRecord } {
  const meeting = findPastMeeting(ctx, meetingId);
  const summary = ctx.state.meetingSummaries.find((s) => s.meeting_uuid === meeting.uuid);
  if (!summary) throw new ZoomError(404, 3001, `No meeting summary exists for this meeting: ${meetingId}.`);
  if (summary.trashed) throw new ZoomError(403, 2305, `This meeting summary is in the trash, so it cannot be read or deleted: ${meetingId}.`);
  return { meeting, summary };
}

/** The fields the list and the single summary share. */
function summaryHead(ctx: HandlerContext, m: PastMeetingRecord, s: MeetingSummaryRecord): Json {
  return {
    meeting_host_id: m.host_id,
    meeting_host_email: String(hostOf(ctx, m)?.email ?? ""),
    meeting_uuid: m.uuid,
    meeting_id: m.id,
    meeting_topic: m.topic,
    meeting_start_time: m.start_time,
    meeting_end_time: m.end_time,
    summary_start_time: m.start_time,
    summary_end_time: m.end_time,
    summary_created_time: s.created_time,
    summary_last_modified_time: s.last_modified_time,
  };
}

function summaryView(ctx: HandlerContext, m: PastMeetingRecord, s: MeetingSummaryRecord): Json {
  return {
    ...summaryHead(ctx, m, s),
    summary_last_modified_user_id: s.last_modified_user_id,
    summary_last_modified_user_email: String(ctx.state.users.find((u) => u.id === s.last_modified_user_id)?.email ?? ""),
    summary_title: s.title,
    summary_content: s.content,
    summary_doc_url: `${WEB}/doc/${s.doc_id}`,
  };
}

/** A `from`/`to` query value as ms, or undefined when absent; anything unparsable is Zoom's 300. */
function timeParam(query: Readonly<Record<string, string>>, field: "from" | "to"): number | undefined {
  const value = query[field];
  if (value === undefined || value === "") return undefined;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) throw validationFailed([{ field, message: "Invalid field: not a date or date and time." }]);
  return ms;
}

interface Activity {
  readonly at: number;
  readonly name: string;
  readonly email: string;
  readonly duration: number;
}

/**
 * Who watched and downloaded a recording: each participant of the meeting watched it once, hours
 * after it ended (a few minutes less each, in seconds); the host downloaded each of its files once.
 */
function activityOf(ctx: HandlerContext, recording: Json): { views: Activity[]; downloads: Activity[] } {
  const meeting = ctx.state.pastMeetings.find((m) => m.uuid === recording.uuid);
  const end = Date.parse(String(meeting?.end_time ?? recording.start_time));
  const length = Number(recording.duration ?? 0) * 60;
  const views = (meeting?.participants ?? []).map((p, i) => ({ at: end + (i + 1) * 6 * 3_600_000, name: String(p.name ?? ""), email: String(p.user_email ?? ""), duration: Math.max(length - i * 300, 60) }));
  const host = ctx.state.users.find((u) => u.id === recording.host_id);
  const hostName = host ? `${String(host.first_name)} ${String(host.last_name)}`.trim() : "";
  const files = filesOf(recording).filter((f) => f.status !== "trash");
  const downloads = files.map((_, i) => ({ at: end + (i + 1) * 20 * 60_000, name: hostName, email: String(host?.email ?? ""), duration: 0 }));
  return { views, downloads };
}

/** The analytics window: the query's dates, else from the recording's day to today (UTC days, both included). */
function analyticsWindow(ctx: HandlerContext, recording: Json, query: Readonly<Record<string, string>>): { from: string; to: string; inside: (ms: number) => boolean } {
  const from = query.from || String(recording.start_time).slice(0, 10);
  const today = iso(ctx.now).slice(0, 10);
  const to = query.to || (today > from ? today : from);
  const start = timeParam({ from }, "from")!;
  const end = timeParam({ to }, "to")! + DAY;
  if (start >= end) throw validationFailed([{ field: "from", message: "Invalid field: from is after to." }]);
  return { from, to, inside: (ms) => ms >= start && ms < end };
}

const transcripts: HandlerTable = {
  "GET /meetings/{meetingId}/transcript": (req, ctx) => {
    const { meeting, transcript } = findTranscript(ctx, req.params.meetingId!);
    return ok(transcriptView(ctx, meeting, transcript));
  },
  "DELETE /meetings/{meetingId}/transcript": (req, ctx) => {
    const { transcript } = findTranscript(ctx, req.params.meetingId!);
    ctx.state.transcripts = ctx.state.transcripts.filter((t) => t !== transcript);
    return noContent();
  },
};

const summaries: HandlerTable = {
  "GET /meetings/meeting_summaries": (req, ctx) => {
    const from = timeParam(req.query, "from");
    const to = timeParam(req.query, "to");
    const field = req.query.time_filter_field === "summary_created_time" ? "summary_created_time" : "summary_start_time";
    const chosen = ctx.state.meetingSummaries
      .filter((s) => !s.trashed)
      .map((s) => ({ s, m: ctx.state.pastMeetings.find((m) => m.uuid === s.meeting_uuid) }))
      .filter((x): x is { s: MeetingSummaryRecord; m: PastMeetingRecord } => x.m !== undefined)
      .map(({ s, m }) => summaryHead(ctx, m, s))
      .filter((h) => {
        const at = Date.parse(String(h[field]));
        return (from === undefined || at >= from) && (to === undefined || at <= to);
      })
      // Newest first.
      .sort((a, b) => Date.parse(String(b[field])) - Date.parse(String(a[field])));
    const { total_records: _total, ...rest } = page(chosen, req.query, "summaries");
    return ok({ ...(req.query.from ? { from: req.query.from } : {}), ...(req.query.to ? { to: req.query.to } : {}), ...rest });
  },
  "GET /meetings/{meetingId}/meeting_summary": (req, ctx) => {
    const { meeting, summary } = findSummary(ctx, req.params.meetingId!);
    return ok(summaryView(ctx, meeting, summary));
  },
  "DELETE /meetings/{meetingId}/meeting_summary": (req, ctx) => {
    findSummary(ctx, req.params.meetingId!).summary.trashed = true;
    return noContent();
  },
};

const analytics: HandlerTable = {
  "GET /meetings/{meetingId}/recordings/analytics_summary": (req, ctx) => {
    const recording = findRecording(ctx, req.params.meetingId!);
    const { from, to, inside } = analyticsWindow(ctx, recording, req.query);
    const { views, downloads } = activityOf(ctx, recording);
    const days = new Map<string, { date: string; views_total_count: number; downloads_total_count: number }>();
    const day = (ms: number) => {
      const date = iso(ms).slice(0, 10);
      let d = days.get(date);
      if (!d) days.set(date, (d = { date, views_total_count: 0, downloads_total_count: 0 }));
      return d;
    };
    for (const v of views) if (inside(v.at)) day(v.at).views_total_count++;
    for (const d of downloads) if (inside(d.at)) day(d.at).downloads_total_count++;
    return ok({ from, to, analytics_summary: [...days.values()].sort((a, b) => (a.date < b.date ? -1 : 1)) });
  },
  "GET /meetings/{meetingId}/recordings/analytics_details": (req, ctx) => {
    const recording = findRecording(ctx, req.params.meetingId!);
    const { from, to, inside } = analyticsWindow(ctx, recording, req.query);
    const { views, downloads } = activityOf(ctx, recording);
    const chosen = (req.query.type === "by_download" ? downloads : views).filter((a) => inside(a.at)).map((a) => ({ date_time: iso(a.at), name: a.name, email: a.email, duration: a.duration }));
    return ok({ from, to, ...page(chosen, req.query, "analytics_details") });
  },
};

export const transcriptHandlers = transcripts;
export const meetingSummaryHandlers = summaries;
export const recordingAnalyticsHandlers = analytics;
