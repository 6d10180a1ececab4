/**
 * Zoom's rate limits, simulated on request (`--sandbox-rate-limits PLAN`): per-label per-second
 * buckets (per minute for Resource-intensive), daily caps, and the per-user limit of 100 meeting or
 * webinar creates and updates a day. Answers carry Zoom's headers.
 */
import type { RateLimitLabel } from "../tools/define.js";
import { ZoomError } from "./http.js";

export type Plan = "free" | "pro" | "business";
export const PLANS: readonly Plan[] = ["free", "pro", "business"];

/** Requests per second by label (Resource-intensive: per minute). From Zoom's published table. */
const PER_SECOND: Record<Plan, Record<RateLimitLabel, number>> = {
  free: { Light: 4, Medium: 2, Heavy: 1, "Resource-intensive": 10 },
  pro: { Light: 30, Medium: 20, Heavy: 10, "Resource-intensive": 10 },
  business: { Light: 80, Medium: 60, Heavy: 40, "Resource-intensive": 20 },
};

/** Daily caps. Free has one per label; Pro and Business share one between Heavy and Resource-intensive. */
const DAILY: Record<Plan, Partial<Record<RateLimitLabel | "Heavy+Resource-intensive", number>>> = {
  free: { Light: 6000, Medium: 2000, Heavy: 1000, "Resource-intensive": 30_000 },
  pro: { "Heavy+Resource-intensive": 30_000 },
  business: { "Heavy+Resource-intensive": 60_000 },
};

export const MEETING_WRITES_PER_USER_PER_DAY = 100;

export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();
  private daily = new Map<string, number>();
  private day = "";

  constructor(readonly plan: Plan) {}

  /** Throws a 429 ZoomError (with `headers`) when this request is over a limit; counts it otherwise. */
  check(label: RateLimitLabel, now: number, meetingWriteUser?: string): void {
    const today = new Date(now).toISOString().slice(0, 10);
    if (today !== this.day) {
      this.day = today;
      this.daily.clear();
    }
    const midnight = new Date(`${today}T00:00:00Z`).getTime() + 86_400_000;

    const windowMs = label === "Resource-intensive" ? 60_000 : 1000;
    const limit = PER_SECOND[this.plan][label];
    const start = Math.floor(now / windowMs) * windowMs;
    const w = this.windows.get(label);
    const current = w && w.start === start ? w : { start, count: 0 };
    if (current.count >= limit) {
      throw new RateLimitError("You have reached the maximum per-second rate limit for this API. Try again later.", {
        "X-RateLimit-Category": label,
        "X-RateLimit-Type": "QPS",
        "X-RateLimit-Limit": String(limit),
        "X-RateLimit-Remaining": "0",
        "Retry-After": String(Math.max(1, Math.ceil((start + windowMs - now) / 1000))),
      });
    }

    const dailyKey = DAILY[this.plan][label] !== undefined ? label : label === "Heavy" || label === "Resource-intensive" ? "Heavy+Resource-intensive" : undefined;
    const dailyLimit = dailyKey ? DAILY[this.plan][dailyKey as keyof (typeof DAILY)[Plan]] : undefined;
    if (dailyKey && dailyLimit !== undefined && (this.daily.get(dailyKey) ?? 0) >= dailyLimit) {
      throw new RateLimitError(`You have reached the maximum daily rate limit for this API. Try again at GMT 00:00:00.`, {
        "X-RateLimit-Category": label,
        "X-RateLimit-Type": "Daily-limit",
        "X-RateLimit-Limit": String(dailyLimit),
        "X-RateLimit-Remaining": "0",
        "Retry-After": new Date(midnight).toISOString().replace(/\.\d{3}Z$/, "Z"),
      });
    }
    if (meetingWriteUser) {
      const key = `meeting-writes:${meetingWriteUser}`;
      if ((this.daily.get(key) ?? 0) >= MEETING_WRITES_PER_USER_PER_DAY) {
        // Zoom sends this one without X-RateLimit-Type or Retry-After.
        throw new RateLimitError(
          `You have exceeded the daily rate limit (${MEETING_WRITES_PER_USER_PER_DAY}) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00.`,
          {},
        );
      }
      this.daily.set(key, (this.daily.get(key) ?? 0) + 1);
    }

    current.count++;
    this.windows.set(label, current);
    if (dailyKey) this.daily.set(dailyKey, (this.daily.get(dailyKey) ?? 0) + 1);
  }
}

export class RateLimitError extends ZoomError {
  constructor(
    message: string,
    readonly headers: Record<string, string>,
  ) {
    super(429, 429, message);
  }
}
