/** How the HTTP core retries, written as data so the policy can be read (and tested) in one place. */
export interface RetryPolicy {
  /** Retries after the first attempt, for 5xx and network errors (idempotent methods). 429s are bounded by `maxTotalWaitMs` instead. */
  readonly maxRetries: number;
  /** Methods that may be sent again after a 5xx, a dropped connection or a timeout. */
  readonly idempotentMethods: ReadonlySet<string>;
  /** Server errors worth another try (for idempotent methods only). */
  readonly retryableStatuses: ReadonlySet<number>;
  /** First backoff step; it doubles each attempt, with full jitter. */
  readonly baseDelayMs: number;
  /** Largest single backoff step. */
  readonly maxDelayMs: number;
  /** A Retry-After longer than this is not waited out: the call fails and says when to try again. */
  readonly maxRetryAfterMs: number;
  /** Total time one call may spend waiting: in the governor's queue, for 429s, and between retries. */
  readonly maxTotalWaitMs: number;
}

/** The wait budget sits below the call's 55 s deadline, so a rate-limited call ends with the budget's message, not a timeout. */
export function defaultRetryPolicy(maxRetries = 3, maxTotalWaitMs = 50_000): RetryPolicy {
  return {
    maxRetries,
    // A 429 means Zoom did nothing, so it is retried for every method; these are only for 5xx and network errors.
    // POST and PATCH are never sent twice: a create could be duplicated.
    idempotentMethods: new Set(["GET", "HEAD", "PUT", "DELETE"]),
    retryableStatuses: new Set([500, 502, 503, 504]),
    baseDelayMs: 500,
    maxDelayMs: 8_000,
    maxRetryAfterMs: 30_000,
    maxTotalWaitMs,
  };
}

/** Full-jitter exponential backoff: a random wait in [0, min(max, base * 2^attempt)). */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
