/**
 * Zoom's published rate limits by plan (ZOOM-FACTS §2), as data. Limits are per account and pooled
 * per rate-limit label; Resource-intensive is counted per minute, the others per second.
 */
import type { RateLimitLabel } from "../tools/define.js";

export type Plan = "free" | "pro" | "business";
export const PLANS: readonly Plan[] = ["free", "pro", "business"];
export const LABELS: readonly RateLimitLabel[] = ["Light", "Medium", "Heavy", "Resource-intensive"];

/** The label assumed for the few endpoints Zoom's spec gives none: the middle of the table. */
export const DEFAULT_LABEL: RateLimitLabel = "Medium";

export interface WindowLimit {
  /** Requests allowed per window. */
  readonly limit: number;
  readonly windowMs: number;
}

const perSecond = (limit: number): WindowLimit => ({ limit, windowMs: 1000 });
const perMinute = (limit: number): WindowLimit => ({ limit, windowMs: 60_000 });

export const QPS_LIMITS: Record<Plan, Record<RateLimitLabel, WindowLimit>> = {
  free: { Light: perSecond(4), Medium: perSecond(2), Heavy: perSecond(1), "Resource-intensive": perMinute(10) },
  pro: { Light: perSecond(30), Medium: perSecond(20), Heavy: perSecond(10), "Resource-intensive": perMinute(10) },
  business: { Light: perSecond(80), Medium: perSecond(60), Heavy: perSecond(40), "Resource-intensive": perMinute(20) },
};

/** A daily cap shared by one or more labels; it resets at 00:00 UTC. */
export interface DailyCap {
  readonly name: string;
  readonly labels: readonly RateLimitLabel[];
  readonly limit: number;
}

export const DAILY_CAPS: Record<Plan, readonly DailyCap[]> = {
  free: [
    { name: "Light", labels: ["Light"], limit: 6000 },
    { name: "Medium", labels: ["Medium"], limit: 2000 },
    { name: "Heavy", labels: ["Heavy"], limit: 1000 },
    { name: "Resource-intensive", labels: ["Resource-intensive"], limit: 30_000 },
  ],
  pro: [{ name: "Heavy+Resource-intensive", labels: ["Heavy", "Resource-intensive"], limit: 30_000 }],
  business: [{ name: "Heavy+Resource-intensive", labels: ["Heavy", "Resource-intensive"], limit: 60_000 }],
};

/** Zoom allows 100 meeting creates and updates a day per host, and as many webinar ones. */
export const HOST_WRITES_PER_DAY = 100;

/** Which per-host daily counter a call uses, and the host (or meeting) it is charged to. */
export interface HostWrite {
  readonly kind: "meeting" | "webinar";
  /** `user` for a create (the userId path parameter), `meeting`/`webinar` for an update by ID. */
  readonly by: "user" | "item";
  readonly id: string;
}

/** Recognises the calls the per-host limit counts: POST /users/{userId}/meetings|webinars and PATCH /meetings|webinars/{id}. */
export function hostWriteOf(method: string, path: string): HostWrite | undefined {
  const create = method === "POST" ? /^\/users\/([^/]+)\/(meetings|webinars)$/.exec(path) : null;
  if (create) return { kind: create[2] === "meetings" ? "meeting" : "webinar", by: "user", id: decodeSafe(create[1]!).toLowerCase() };
  const update = method === "PATCH" ? /^\/(meetings|webinars)\/([^/]+)$/.exec(path) : null;
  if (update) return { kind: update[1] === "meetings" ? "meeting" : "webinar", by: "item", id: decodeSafe(update[2]!) };
  return undefined;
}

function decodeSafe(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The next 00:00 UTC after `now`. */
export function nextUtcMidnight(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}

/** The UTC day of `now`, e.g. `2026-03-02`; daily counters are keyed by it. */
export function utcDay(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}
