/**
 * The one HTTP core. Every tool call goes through `ZoomClient.send`: it adds the bearer token,
 * refreshes it once on a 401, waits out per-second rate limits, retries idempotent calls after
 * server errors, and turns every failure into a `ZoomFailure` value instead of an exception.
 */
import ky, { type KyInstance, TimeoutError } from "ky";
import { AuthError, type TokenProvider } from "../auth/index.js";
import type { Logger } from "../logger.js";
import { markSent, notice } from "../transports/calls.js";
import type { RateLimitLabel } from "../tools/define.js";
import type { Governor } from "./governor.js";
import { backoffDelay, type RetryPolicy } from "./policy.js";
import { classifyRateLimit, parseRetryAfter, type RateLimitInfo } from "./rate-limit.js";
import { joinUrl } from "./url.js";

export interface ZoomRequest {
  readonly method: string;
  /** Filled and encoded path, e.g. `/meetings/123/livestream`. */
  readonly path: string;
  readonly query?: URLSearchParams;
  readonly json?: unknown;
  readonly form?: FormData;
}

export interface ZoomSuccess {
  readonly ok: true;
  readonly status: number;
  readonly data: unknown;
  readonly trackingId?: string;
  readonly retries: number;
  /** The sandbox answered with a generated example, not its state (header `x-zoom-mcp-sandbox: example`). */
  readonly sandboxExample?: true;
}

export type FailureKind = "http" | "rate_limit" | "auth" | "network" | "timeout" | "aborted";

export interface ZoomFailure {
  readonly ok: false;
  readonly kind: FailureKind;
  readonly message: string;
  readonly status?: number;
  /** Zoom's numeric error code from the body. */
  readonly code?: number;
  /** Field-level validation errors from Zoom (code 300). */
  readonly fieldErrors?: ReadonlyArray<{ field?: string; message?: string }>;
  readonly trackingId?: string;
  readonly rateLimit?: RateLimitInfo;
  /**
   * For a 401: `refreshed` when a fresh token was rejected too, `held` when a refresh was held back
   * (repeated 401s), `static` when the token is a fixed access token that cannot be refreshed.
   */
  readonly tokenState?: "refreshed" | "held" | "static";
  readonly retries: number;
}

export type ZoomResult = ZoomSuccess | ZoomFailure;

export interface SendOptions {
  readonly signal?: AbortSignal;
  /** Told before each wait between attempts, so a caller can report progress. */
  readonly onWait?: (waitMs: number, reason: string) => void;
  /** The endpoint's rate-limit label, for the governor's per-label budget. */
  readonly rateLimit?: RateLimitLabel;
}

export interface ZoomClientOptions {
  readonly auth: TokenProvider;
  /** Explicit API base; when unset, the token's `api_url` is used, then Zoom's default. */
  readonly apiBaseUrl?: string;
  readonly defaultApiBaseUrl: string;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly logger: Logger;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Waits between attempts; tests use fake timers. @default abortable setTimeout */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default Math.random */
  readonly random?: () => number;
  /** Paces calls to Zoom's limits (src/http/governor.ts); without it calls go out at once. */
  readonly governor?: Governor;
}

interface ZoomErrorBody {
  code?: unknown;
  message?: unknown;
  errors?: unknown;
}

export class ZoomClient {
  private readonly http: KyInstance;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: ZoomClientOptions) {
    this.sleep = options.sleep ?? abortableSleep;
    this.now = options.now ?? Date.now;
    this.http = ky.create({
      timeout: options.timeoutMs,
      // Retries are ours (see policy.ts): ky applies one method list to every status, and Zoom needs
      // 429 retried for all methods but 5xx only for idempotent ones.
      retry: 0,
      throwHttpErrors: false,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  async send(request: ZoomRequest, options: SendOptions = {}): Promise<ZoomResult> {
    const { retry, logger } = this.options;
    const idempotent = retry.idempotentMethods.has(request.method);
    let retries = 0;
    let waited = 0;
    let refreshed = false;
    const ticket = this.options.governor?.ticket(request.method, request.path, options.rateLimit);

    for (;;) {
      let token: string;
      let apiUrl: string | undefined;
      try {
        const got = await this.options.auth.getToken(options.signal);
        token = got.accessToken;
        apiUrl = got.apiUrl;
      } catch (error) {
        if (options.signal?.aborted) return failure("aborted", "The call was cancelled.", retries);
        const message = error instanceof AuthError ? error.message : `Could not obtain a Zoom token: ${String(error)}`;
        return failure("auth", message, retries, error instanceof AuthError && error.status ? { status: error.status } : {});
      }

      if (ticket) {
        const gate = await ticket.acquire({ budgetMs: retry.maxTotalWaitMs - waited, ...(options.signal ? { signal: options.signal } : {}), ...(options.onWait ? { onWait: options.onWait } : {}) });
        if (!gate.ok) return failure(gate.kind, gate.message, retries, gate.rateLimit ? { rateLimit: gate.rateLimit } : {});
        waited += gate.waitedMs;
      }

      let response: Response;
      try {
        response = await this.attempt(request, token, apiUrl, options.signal);
      } catch (error) {
        if (options.signal?.aborted) return failure("aborted", "The call was cancelled.", retries);
        const timedOut = error instanceof TimeoutError;
        const kind = timedOut ? "timeout" : "network";
        const what = timedOut
          ? `Zoom did not answer within ${this.options.timeoutMs} ms`
          : `The request to Zoom failed: ${describeError(error)}`;
        if (idempotent && retries < retry.maxRetries) {
          const delay = backoffDelay(retry, retries, this.options.random);
          if (waited + delay <= retry.maxTotalWaitMs) {
            logger.debug({ err: what, delay }, "retrying after a network error");
            if (!(await this.wait(delay, `${what}; retrying`, options))) return failure("aborted", "The call was cancelled.", retries);
            waited += delay;
            retries++;
            continue;
          }
        }
        const unsure = idempotent
          ? ""
          : ` A ${request.method} is not retried automatically because it could create or change something twice; check whether it took effect before calling again.`;
        return failure(kind, `${what}.${unsure}`, retries);
      }

      ticket?.observe(response.headers);
      const trackingId = response.headers.get("x-zm-trackingid") ?? undefined;
      if (response.ok) {
        const example = response.headers.get("x-zoom-mcp-sandbox") === "example";
        const data = await readBody(response);
        ticket?.succeeded(data);
        return { ok: true, status: response.status, data, retries, ...(trackingId ? { trackingId } : {}), ...(example ? { sandboxExample: true as const } : {}) };
      }

      const body = (await readBody(response)) as ZoomErrorBody | string | undefined;
      const zoomCode = typeof body === "object" && typeof body?.code === "number" ? body.code : undefined;
      const zoomMessage =
        typeof body === "object" && typeof body?.message === "string" ? body.message : typeof body === "string" && body ? body.slice(0, 500) : undefined;

      if ((response.status === 401 || zoomCode === 124) && !refreshed && this.options.auth.invalidate(token)) {
        // Zoom may have invalidated the token (a newer one was issued elsewhere): fetch one fresh token, retry once.
        refreshed = true;
        retries++;
        logger.debug({ code: zoomCode }, "401 from Zoom: refreshing the token once");
        notice("notice", "Zoom rejected the access token (HTTP 401); getting a fresh token and retrying once.");
        continue;
      }

      if (response.status === 429) {
        const info = classifyRateLimit(response.headers, zoomMessage, this.now());
        const limitName = `${info.category ? `${info.category} ` : ""}${info.kind === "daily" ? "daily" : "per-second"} rate limit`;
        const delay = info.retryAfterMs ?? backoffDelay(retry, retries, this.options.random);
        await ticket?.limited(info, delay);
        if (info.kind === "daily") {
          return failure("rate_limit", `Zoom's ${limitName} is used up${zoomMessage ? `: ${zoomMessage}` : ""}. It resets at ${info.resetAt!.toISOString()}; do not retry before then.`, retries, {
            status: 429, code: zoomCode, trackingId, rateLimit: info,
          });
        }
        // A 429 means Zoom did nothing, so any method may go again, until the call's wait budget runs out.
        const tooLong = delay > retry.maxRetryAfterMs || waited + delay > retry.maxTotalWaitMs;
        if (!tooLong) {
          if (!(await this.wait(delay, `Zoom ${limitName} reached; retrying`, options))) return failure("aborted", "The call was cancelled.", retries);
          waited += delay;
          retries++;
          continue;
        }
        const after = info.retryAfterMs !== undefined ? ` Zoom asked to wait ${Math.ceil(info.retryAfterMs / 1000)} s.` : "";
        return failure("rate_limit", `Zoom's ${limitName} was still exceeded after ${retries} ${retries === 1 ? "retry" : "retries"} and ${Math.round(waited / 1000)} s of waiting (the wait budget is ${Math.round(retry.maxTotalWaitMs / 1000)} s).${after} Try again shortly, or slow down.`, retries, {
          status: 429, code: zoomCode, trackingId, rateLimit: info,
        });
      }

      if (idempotent && retry.retryableStatuses.has(response.status) && retries < retry.maxRetries) {
        const delay = parseRetryAfter(response.headers.get("retry-after"), this.now()) ?? backoffDelay(retry, retries, this.options.random);
        if (delay <= retry.maxRetryAfterMs && waited + delay <= retry.maxTotalWaitMs) {
          if (!(await this.wait(delay, `Zoom answered HTTP ${response.status}; retrying`, options))) return failure("aborted", "The call was cancelled.", retries);
          waited += delay;
          retries++;
          continue;
        }
      }

      const fieldErrors = typeof body === "object" && Array.isArray(body?.errors) ? (body.errors as ZoomFailure["fieldErrors"]) : undefined;
      const tokenState = response.status === 401 ? (!this.options.auth.refreshable ? "static" : refreshed ? "refreshed" : "held") : undefined;
      return failure("http", zoomMessage ?? `HTTP ${response.status} ${response.statusText}`.trim(), retries, {
        status: response.status, code: zoomCode, trackingId, tokenState, ...(fieldErrors ? { fieldErrors } : {}),
      });
    }
  }

  private attempt(request: ZoomRequest, token: string, apiUrl: string | undefined, signal?: AbortSignal): Promise<Response> {
    const base = this.options.apiBaseUrl ?? (apiUrl ? joinUrl(apiUrl, "/v2") : this.options.defaultApiBaseUrl);
    const url = new URL(joinUrl(base, request.path));
    if (request.query) url.search = request.query.toString();
    markSent();
    return this.http(url, {
      method: request.method,
      headers: { authorization: `Bearer ${token}`, accept: "application/json" },
      ...(request.form ? { body: request.form } : request.json !== undefined ? { json: request.json } : {}),
      ...(signal ? { signal } : {}),
    });
  }

  /** Waits between attempts. Returns false when the call was cancelled meanwhile. */
  private async wait(ms: number, reason: string, options: SendOptions): Promise<boolean> {
    options.onWait?.(ms, reason);
    try {
      await this.sleep(ms, options.signal);
      return !options.signal?.aborted;
    } catch {
      return false;
    }
  }
}

function failure(kind: FailureKind, message: string, retries: number, extra: Partial<Omit<ZoomFailure, "ok" | "kind" | "message" | "retries">> = {}): ZoomFailure {
  const clean = Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined));
  return { ok: false, kind, message, retries, ...clean };
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ? `${error.message} (${cause.code})` : error.message;
  }
  return String(error);
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
