/**
 * Zoom's handling of meeting times: a start time given in UTC (`Z` or an offset) or as local time in
 * the meeting's timezone comes back in UTC with `Z`, and a recurring meeting's occurrences follow its
 * recurrence on the wall clock of its timezone (so a 10:00 weekly stays 10:00 across DST changes).
 */
import type { Json } from "./state.js";

const DAY = 86_400_000;
const FORMAT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;

/** `2026-04-01T14:00:00Z`: Zoom's wire format, seconds precision. */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Whether Zoom would accept this timezone ID (any IANA name the runtime knows). */
export function isTimezone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    formatters.set(tz, f);
  }
  return f;
}

/** The wall clock of `tz` at the instant `utcMs`, as milliseconds read as if it were UTC. */
export function toLocal(utcMs: number, tz: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(utcMs))) if (p.type !== "literal") parts[p.type] = Number(p.value);
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour! % 24, parts.minute!, parts.second!);
}

/** The instant at which `tz`'s wall clock shows `localMs` (read as UTC); a gap hour moves forward. */
export function fromLocal(localMs: number, tz: string): number {
  let guess = localMs - (toLocal(localMs, tz) - localMs);
  guess = localMs - (toLocal(guess, tz) - guess);
  return guess;
}

/**
 * A start time as Zoom reads it: with `Z` or an offset it is that instant; without one it is local
 * time in `tz`. Returns UTC milliseconds, or undefined when it is not a date-time.
 */
export function parseStartTime(value: string, tz: string): number | undefined {
  const m = FORMAT.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, zone] = m;
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  const back = new Date(local);
  if (back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) return undefined;
  if (zone === "Z") return local;
  if (zone) {
    const sign = zone[0] === "-" ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    return local - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return fromLocal(local, tz);
}

/**
 * A stored start time: UTC with `Z`. Zoom moves a meeting's start time that is in the past to the
 * current time (its documented rule for meetings); a webinar keeps the time it was given.
 */
export function startTimeOf(value: string, tz: string, now: number, kind: "meeting" | "webinar"): string {
  const at = parseStartTime(value, tz) ?? now;
  return iso(kind === "meeting" && at < now ? now : at);
}

/** Checks a body's start_time, timezone and recurrence, adding Zoom-style field errors. */
export function scheduleErrors(body: Json, tz: string): Array<{ field: string; message: string }> {
  const errors: Array<{ field: string; message: string }> = [];
  if (body.timezone !== undefined && (typeof body.timezone !== "string" || !isTimezone(body.timezone))) {
    errors.push({ field: "timezone", message: "Invalid field: not a timezone ID (e.g. America/New_York or UTC)." });
  }
  if (body.start_time !== undefined && (typeof body.start_time !== "string" || parseStartTime(body.start_time, isTimezone(tz) ? tz : "UTC") === undefined)) {
    errors.push({ field: "start_time", message: "Invalid field: expected yyyy-MM-ddTHH:mm:ss (UTC with Z, or local time with timezone)." });
  }
  const r = body.recurrence as Json | undefined;
  if (r && typeof r === "object") {
    if (r.type === 2 && typeof r.weekly_days === "string" && !/^[1-7](,[1-7])*$/.test(r.weekly_days)) {
      errors.push({ field: "recurrence.weekly_days", message: "Invalid field: comma-separated days 1 (Sunday) to 7 (Saturday)." });
    }
    if (r.end_times !== undefined && r.end_date_time !== undefined) {
      errors.push({ field: "recurrence.end_times", message: "Invalid field: end_times and end_date_time cannot be used together." });
    }
    if (r.end_date_time !== undefined && (typeof r.end_date_time !== "string" || parseStartTime(r.end_date_time, "UTC") === undefined)) {
      errors.push({ field: "recurrence.end_date_time", message: "Invalid field: expected yyyy-MM-ddTHH:mm:ssZ." });
    }
    const max = { 1: 99, 2: 50, 3: 10 }[Number(r.type) as 1 | 2 | 3];
    if (max && r.repeat_interval !== undefined && (Number(r.repeat_interval) < 1 || Number(r.repeat_interval) > max)) {
      errors.push({ field: "recurrence.repeat_interval", message: `Invalid field: 1 to ${max} for this recurrence type.` });
    }
  }
  return errors;
}

export interface Occurrence {
  occurrence_id: string;
  start_time: string;
  duration: number;
  status: "available" | "deleted";
}

/**
 * The occurrences of a recurring meeting: daily, weekly (on `weekly_days`, 1 = Sunday) or monthly
 * (on `monthly_day`, or on `monthly_week` + `monthly_week_day`), every `repeat_interval`, until
 * `end_times` occurrences (default 1; 0 means no end, capped at `cap`) or `end_date_time`.
 */
export function occurrencesOf(startMs: number, tz: string, recurrence: Json, duration: number, cap: number): Occurrence[] {
  const local0 = toLocal(startMs, tz);
  const timeOfDay = ((local0 % DAY) + DAY) % DAY;
  const day0 = local0 - timeOfDay;
  const interval = Math.max(1, Number(recurrence.repeat_interval ?? 1) || 1);
  const endTimes = recurrence.end_date_time !== undefined ? cap : Number(recurrence.end_times ?? 1);
  const limit = Math.min(endTimes === 0 ? cap : endTimes, cap);
  const until = typeof recurrence.end_date_time === "string" ? parseStartTime(recurrence.end_date_time, "UTC") : undefined;
  const out: Occurrence[] = [];
  const push = (day: number): boolean => {
    if (day < day0) return true;
    if (out.length >= limit) return false;
    const at = fromLocal(day + timeOfDay, tz);
    if (until !== undefined && at > until) return false;
    out.push({ occurrence_id: String(at), start_time: iso(at), duration, status: "available" });
    return out.length < limit;
  };
  const type = Number(recurrence.type);
  // 10 years of candidate days is far beyond any cap; it only bounds the loop.
  const horizon = day0 + 3660 * DAY;
  if (type === 1) {
    for (let day = day0; day < horizon && push(day); day += interval * DAY);
  } else if (type === 2) {
    const days = String(recurrence.weekly_days ?? new Date(day0).getUTCDay() + 1)
      .split(",")
      .map(Number)
      .sort((a, b) => a - b);
    const week0 = day0 - new Date(day0).getUTCDay() * DAY;
    outer: for (let week = week0; week < horizon; week += interval * 7 * DAY) {
      for (const d of days) if (!push(week + (d - 1) * DAY)) break outer;
    }
  } else if (type === 3) {
    const first = new Date(day0);
    for (let k = 0; k < 1200; k += interval) {
      const y = first.getUTCFullYear();
      const mo = first.getUTCMonth() + k;
      const day = recurrence.monthly_week !== undefined ? nthWeekday(y, mo, Number(recurrence.monthly_week), Number(recurrence.monthly_week_day ?? 1)) : monthDay(y, mo, Number(recurrence.monthly_day ?? first.getUTCDate()));
      if (day !== undefined && !push(day)) break;
      if (Date.UTC(y, mo, 1) > horizon) break;
    }
  }
  return out;
}

/** The `day`th of a month, or undefined when the month is shorter (Zoom skips that month). */
function monthDay(year: number, month: number, day: number): number | undefined {
  const ms = Date.UTC(year, month, day);
  return new Date(ms).getUTCDate() === day ? ms : undefined;
}

/** The `week`th (1-4, or -1 for the last) `weekday` (1 = Sunday) of a month. */
function nthWeekday(year: number, month: number, week: number, weekday: number): number {
  if (week === -1) {
    const last = Date.UTC(year, month + 1, 0);
    const back = (new Date(last).getUTCDay() - (weekday - 1) + 7) % 7;
    return last - back * DAY;
  }
  const first = Date.UTC(year, month, 1);
  const ahead = (weekday - 1 - new Date(first).getUTCDay() + 7) % 7;
  return first + (ahead + (week - 1) * 7) * DAY;
}
