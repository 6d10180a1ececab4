/** Reading Zoom's 429 answers: which limit was hit, and when it resets. */

export interface RateLimitInfo {
  /** `qps` is worth waiting out; `daily` is not (it resets at 00:00 UTC). */
  readonly kind: "qps" | "daily";
  /** X-RateLimit-Category: Light, Medium, Heavy or Resource-intensive. */
  readonly category?: string;
  /** Milliseconds until Zoom accepts the call again, when known. */
  readonly retryAfterMs?: number;
  /** When the limit resets (daily limits). */
  readonly resetAt?: Date;
}

/**
 * Parses Retry-After in any form Zoom uses: delta-seconds, an HTTP date, or an ISO-8601 datetime.
 * Returns the moment it names, in ms since the epoch.
 */
export function retryAt(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return now + Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : at;
}

/** Retry-After as milliseconds from `now`, never negative. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  const at = retryAt(value, now);
  return at === undefined ? undefined : Math.max(0, at - now);
}

/** The next 00:00 UTC after `now`, when Zoom's daily limits reset. */
export function nextUtcMidnight(now: number): Date {
  const d = new Date(now);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1));
}

/**
 * Classifies a 429. A daily limit is named by `X-RateLimit-Type: Daily-limit`, or only by the message
 * (the per-user meeting create/update limit comes without the header).
 */
export function classifyRateLimit(headers: Headers, message: string | undefined, now: number): RateLimitInfo {
  const type = headers.get("x-ratelimit-type") ?? "";
  const category = headers.get("x-ratelimit-category") ?? undefined;
  const at = retryAt(headers.get("retry-after"), now);
  const retryAfterMs = at === undefined ? undefined : Math.max(0, at - now);
  const daily = /^daily/i.test(type) || /daily/i.test(message ?? "") || /GMT 00:00:00/.test(message ?? "");
  if (daily) {
    // Without a Retry-After, Zoom's daily limits reset at 00:00 UTC.
    const resetAt = at !== undefined ? new Date(at) : nextUtcMidnight(now);
    return { kind: "daily", ...(category ? { category } : {}), resetAt, retryAfterMs: resetAt.getTime() - now };
  }
  return { kind: "qps", ...(category ? { category } : {}), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
}
