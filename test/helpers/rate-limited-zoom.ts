/**
 * A per-label rate limit for the fake Zoom, as Zoom enforces it: a fixed window (counts reset at each
 * window boundary) or a sliding one (at most `limit` in any `windowMs`). Past the limit it answers
 * 429 with Zoom's headers and body; every answer carries X-RateLimit-* like Zoom's. It records when
 * each request was accepted, so a test can check the busiest window.
 */
import type { FakeResponse, RecordedRequest } from "./fake-zoom.js";

export interface RateLimitOptions {
  readonly limit: number;
  /** @default 1000 */
  readonly windowMs?: number;
  readonly mode: "fixed" | "sliding";
  /** @default "Light" */
  readonly category?: string;
  /** The answer within the limit. @default 204, no body */
  readonly ok?: FakeResponse;
  /** @default Date.now */
  readonly now?: () => number;
}

export class RateLimitedRoute {
  readonly accepted: number[] = [];
  rejected = 0;
  private windowStart = 0;
  private windowCount = 0;

  constructor(private readonly options: RateLimitOptions) {}

  get windowMs(): number {
    return this.options.windowMs ?? 1000;
  }

  /** Use as a fake Zoom responder: `fake.on("PATCH", /.../, route.responder)`. */
  readonly responder = (_req: RecordedRequest): FakeResponse => {
    const now = (this.options.now ?? Date.now)();
    const { limit } = this.options;
    let used: number;
    let resetIn: number;
    if (this.options.mode === "fixed") {
      const start = Math.floor(now / this.windowMs) * this.windowMs;
      if (start !== this.windowStart) {
        this.windowStart = start;
        this.windowCount = 0;
      }
      used = this.windowCount;
      resetIn = start + this.windowMs - now;
    } else {
      const inWindow = this.accepted.filter((t) => t > now - this.windowMs);
      used = inWindow.length;
      resetIn = used >= limit ? inWindow[used - limit]! + this.windowMs - now : 0;
    }
    const headers = { "X-RateLimit-Category": this.options.category ?? "Light", "X-RateLimit-Type": "QPS", "X-RateLimit-Limit": String(limit) };
    if (used >= limit) {
      this.rejected++;
      return {
        status: 429,
        headers: { ...headers, "X-RateLimit-Remaining": "0", "Retry-After": String(Math.max(1, Math.ceil(resetIn / 1000))) },
        body: { code: 429, message: "You have reached the maximum per-second rate limit for this API. Try again later." },
      };
    }
    this.windowCount++;
    this.accepted.push(now);
    const ok = this.options.ok ?? { status: 204 };
    return { ...ok, headers: { ...headers, "X-RateLimit-Remaining": String(limit - used - 1), ...ok.headers } };
  };

  /** The most requests accepted within any span of `windowMs` (sliding), for "stayed within the limit". */
  busiestWindow(): number {
    const sorted = [...this.accepted].sort((a, b) => a - b);
    let best = 0;
    for (let i = 0, j = 0; i < sorted.length; i++) {
      while (sorted[i]! - sorted[j]! >= this.windowMs) j++;
      best = Math.max(best, i - j + 1);
    }
    return best;
  }
}
