/**
 * The one HTTP core. Every tool call goes through `ZoomClient.send`: it adds the bearer token,
 * refreshes it once on a 401, waits out per-second rate limits, retries idempotent calls after
 * server errors, and turns every failure into a `ZoomFailure` value instead of an exception.
 *
 * Bounds: one deadline per call covers every attempt, every body byte, every wait between
 * attempts and every wait for a token; each attempt has its own timeout that covers its body too;
 * bodies are read up to a size limit. ky builds each request; the transport under it
 * (transport.ts) is a keep-alive node:http(s) fetch that enforces the per-attempt bounds.
 */
import type { KyInstance, Options as KyOptions } from "ky";
import { AuthError, type AccessToken, type TokenProvider } from "../auth/index.js";
import type { Logger } from "../logger.js";
import type { CallScope } from "../transports/calls.js";
import type { RateLimitLabel } from "../tools/define.js";
import type { Governor, Ticket } from "./governor.js";
import { interpret, type Answer, type ZoomFile } from "./answer.js";
import { backoffDelay, type RetryPolicy } from "./policy.js";
import { classifyRateLimit, parseRetryAfter, type RateLimitInfo } from "./rate-limit.js";
import { loadKy } from "./lazy-ky.js";
import { boundedFetch, bufferedBody, describeError, TransportError, type AttemptInit, type AttemptOptions, type NodeFetch } from "./transport.js";
import { joinUrl } from "./url.js";
import { envName } from "../config.js";

export type { ZoomFile } from "./answer.js";

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
  /** The parsed JSON answer; undefined when there was no content or the answer is a file. */
  readonly data: unknown;
  /** A non-JSON answer (a PDF, a ZIP, ...), kept as bytes with its MIME type. */
  readonly file?: ZoomFile;
  readonly trackingId?: string;
  readonly retries: number;
  /** The sandbox answered with a generated example, not its state (header `x-zoom-mcp-sandbox: example`). */
  readonly sandboxExample?: true;
}

export type FailureKind = "http" | "rate_limit" | "auth" | "network" | "timeout" | "aborted" | "too_large" | "bad_answer";

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
  /** The tool call this request serves: told before each attempt goes out, and where notices for the user go. */
  readonly call?: CallScope;
  /** Told before each wait between attempts, so a caller can report progress. */
  readonly onWait?: (waitMs: number, reason: string) => void;
  /** When the whole call must be over, in this client's clock (ms). Calls that share it (pages) share one budget. */
  readonly deadline?: number;
  /** The endpoint's rate-limit label, for the governor's per-label budget. */
  readonly rateLimit?: RateLimitLabel;
}

export interface ZoomClientOptions {
  readonly auth: TokenProvider;
  /** Explicit API base; when unset, the token's `api_url` is used, then Zoom's default. */
  readonly apiBaseUrl?: string;
  readonly defaultApiBaseUrl: string;
  /** Per attempt, body included. */
  readonly timeoutMs: number;
  /** Per call: every attempt, body and wait. @default 55_000 */
  readonly callTimeoutMs?: number;
  /** Largest answer body read, after decompression. @default 32 MiB */
  readonly maxResponseBytes?: number;
  readonly retry: RetryPolicy;
  readonly logger: Logger;
  /** @default a keep-alive node:http(s) transport */
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

export const DEFAULT_CALL_TIMEOUT_MS = 55_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** What one call has done so far: what the failure messages report. */
interface CallState {
  readonly deadline: number;
  retries: number;
  waited: number;
  refreshed: boolean;
  attempts: number;
  /** Some attempt's request may have reached Zoom. */
  reached: boolean;
  /** The governor's pass for this call: acquired before each attempt, told what Zoom answered. */
  readonly ticket: Ticket | undefined;
}

/** The next step after an attempt: a final result, or another attempt after a wait. */
type Step = ZoomResult | { readonly retryAfterMs: number; readonly reason: string; readonly otherwise: ZoomFailure };

interface Encoded {
  readonly payload?: Buffer;
  readonly contentType?: string;
}

export class ZoomClient {
  /** ky over the transport, built with the first request (ky and node:http(s) load then, not at start). */
  private http: KyInstance | undefined;
  private loading: Promise<KyInstance> | undefined;
  /** The keep-alive node:http(s) transport, once loaded; absent when `fetch` was given. */
  private transport: NodeFetch | undefined;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;
  private readonly callTimeoutMs: number;
  private readonly maxResponseBytes: number;

  constructor(private readonly options: ZoomClientOptions) {
    this.sleep = options.sleep ?? abortableSleep;
    this.now = options.now ?? Date.now;
    this.callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  private async load(): Promise<KyInstance> {
    const [ky, transport] = await Promise.all([
      loadKy(),
      this.options.fetch ? boundedFetch(this.options.fetch) : import("./node-fetch.js").then((m) => (this.transport = m.createNodeFetch())),
    ]);
    return (this.http = ky.create({
      // Time bounds are the transport's (one timer per attempt, body included) and the call's deadline.
      timeout: false,
      // Retries are ours (see policy.ts): ky applies one method list to every status, and Zoom needs
      // 429 retried for all methods but 5xx only for idempotent ones.
      retry: 0,
      throwHttpErrors: false,
      hooks: {
        // The transport answers from ky's last beforeRequest hook, which ky documents as the way to answer
        // without its own fetch. It gets the Request ky built (after any earlier hook), and it spares the
        // clone ky keeps for its own retries (off here): a second Request whose AbortSignal, like every
        // signal a Request follows, is freed only by a full GC, so each one pushes the heap and the pauses up.
        beforeRequest: [
          (request, kyOptions) => {
            const init = kyOptions as AttemptInit;
            const headers = init.attempt?.headers;
            if (headers) for (const name in headers) request.headers.set(name, headers[name]!);
            return transport(request, init);
          },
        ],
      },
      // Not reached (the hook answers); set so ky does not bind the global fetch on every request.
      fetch: transport as typeof fetch,
    }));
  }

  /** The deadline of a call that starts now; pass it in SendOptions to share it across requests (pages). */
  deadlineFromNow(): number {
    return this.now() + this.callTimeoutMs;
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.transport?.close();
  }

  async send(request: ZoomRequest, options: SendOptions = {}): Promise<ZoomResult> {
    const state: CallState = {
      deadline: options.deadline ?? this.now() + this.callTimeoutMs,
      retries: 0,
      waited: 0,
      refreshed: false,
      attempts: 0,
      reached: false,
      ticket: this.options.governor?.ticket(request.method, request.path, options.rateLimit),
    };
    const encoded = await encodeBody(request);
    for (;;) {
      const step = await this.step(request, encoded, options, state);
      if ("ok" in step) return step;
      if (this.now() + step.retryAfterMs >= state.deadline) {
        return { ...step.otherwise, message: `${step.otherwise.message} Not retried: the call's ${this.callTimeoutMs} ms deadline (${envName("callTimeoutMs")}) would pass first.` };
      }
      if (!(await this.wait(step.retryAfterMs, step.reason, options))) return this.stopped(options, state);
      state.waited += step.retryAfterMs;
      state.retries++;
    }
  }

  /** One attempt: a token, the request, and what to do with the answer. */
  private async step(request: ZoomRequest, encoded: Encoded, options: SendOptions, state: CallState): Promise<Step | ZoomResult> {
    let token: string;
    let apiUrl: string | undefined;
    try {
      // A cached token is taken at once: no promise, no timer.
      const got = this.options.auth.peek?.(options.call) ?? (await this.tokenWithin(options, state));
      if ("ok" in got) return got;
      token = got.accessToken;
      apiUrl = got.apiUrl;
    } catch (error) {
      if (options.signal?.aborted) return this.stopped(options, state);
      const message = error instanceof AuthError ? error.message : `Could not obtain a Zoom token: ${String(error)}`;
      return failure("auth", message, state.retries, error instanceof AuthError && error.status ? { status: error.status } : {});
    }
    if (state.ticket) {
      // The governor's queue counts against the call's wait budget and its deadline.
      const budgetMs = Math.min(this.options.retry.maxTotalWaitMs - state.waited, state.deadline - this.now());
      const gate = await state.ticket.acquire({ budgetMs, ...(options.signal ? { signal: options.signal } : {}), ...(options.onWait ? { onWait: options.onWait } : {}) });
      if (!gate.ok) return failure(gate.kind, gate.message, state.retries, gate.rateLimit ? { rateLimit: gate.rateLimit } : {});
      state.waited += gate.waitedMs;
    }
    const remaining = state.deadline - this.now();
    if (remaining <= 0) return this.deadlineFailure(state);

    state.attempts++;
    const answer = await this.attempt(request, encoded, token, apiUrl, options, remaining);
    if (answer instanceof TransportError) {
      if (answer.stage !== "connecting") state.reached = true;
      return this.afterTransportError(request, answer, options, state);
    }
    state.reached = true;
    return this.afterAnswer(request, answer, token, options, state);
  }

  /**
   * Waits for a token within what is left of the call's deadline; a failure when the deadline comes
   * first. Only this call stops waiting: the token request is shared by every waiting call (single
   * flight) and bounded by its own timeout (timeoutMs), so it goes on and caches its token for the next
   * call. One plain timer, not an AbortSignal (on Node 20 each one weighs on the GC); a cancelled call
   * ends its getToken itself.
   */
  private async tokenWithin(options: SendOptions, state: CallState): Promise<AccessToken | ZoomFailure> {
    const leftMs = state.deadline - this.now();
    if (leftMs <= 0) return this.deadlineFailure(state);
    let timer: NodeJS.Timeout | undefined;
    const passed = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), leftMs)));
    let got: AccessToken | undefined;
    try {
      got = await Promise.race([this.options.auth.getToken(options.signal, options.call), passed]);
    } finally {
      clearTimeout(timer);
    }
    if (got) return got;
    // A cancellation that came with the deadline still ends the call as cancelled.
    return options.signal?.aborted ? this.stopped(options, state) : this.deadlineFailure(state, "token");
  }

  private async attempt(request: ZoomRequest, encoded: Encoded, token: string, apiUrl: string | undefined, options: SendOptions, remainingMs: number): Promise<Answer | TransportError> {
    const signal = options.signal;
    const base = this.options.apiBaseUrl ?? (apiUrl ? joinUrl(apiUrl, "/v2") : this.options.defaultApiBaseUrl);
    let url = joinUrl(base, request.path);
    if (request.query?.size) url += `?${request.query.toString()}`;
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: "application/json" };
    if (encoded.contentType) headers["content-type"] = encoded.contentType;
    const attempt: AttemptOptions = {
      timeoutMs: Math.max(1, Math.min(this.options.timeoutMs, remainingMs)),
      deadline: remainingMs < this.options.timeoutMs,
      maxBodyBytes: this.maxResponseBytes,
      headers,
      ...(encoded.payload ? { payload: encoded.payload } : {}),
      ...(signal ? { signal } : {}),
    };
    // `attempt` is an option ky does not know, so ky hands it to the transport as it is.
    const init: KyOptions & { attempt: AttemptOptions } = { method: request.method, attempt };
    const http = this.http ?? (await (this.loading ??= this.load()));
    options.call?.markSent();
    try {
      const response = await http(url, init);
      const body = bufferedBody(response) ?? Buffer.from(await response.arrayBuffer());
      return { response, body };
    } catch (error) {
      return error instanceof TransportError ? error : new TransportError("network", describeError(error), "connecting");
    }
  }

  private afterTransportError(request: ZoomRequest, error: TransportError, options: SendOptions, state: CallState): Step | ZoomResult {
    const { retry, logger } = this.options;
    if (error.kind === "aborted" || options.signal?.aborted) return this.stopped(options, state);
    if (error.deadline) return this.deadlineFailure(state);
    const idempotent = retry.idempotentMethods.has(request.method);
    const what = error.kind === "timeout" ? error.message : error.kind === "network" ? `The request to Zoom failed: ${error.message}` : error.message;
    const kind: FailureKind = error.kind === "timeout" ? "timeout" : error.kind === "too_large" ? "too_large" : error.kind === "encoding" ? "bad_answer" : "network";
    // Nothing left the machine, so even a POST can go again; a started answer may be retried only when idempotent.
    const retriable = (error.kind === "timeout" || error.kind === "network") && (idempotent || error.stage === "connecting");
    const after = retriesNote(state.retries, retriable && state.retries >= retry.maxRetries ? retry.maxRetries : undefined);
    const final = failure(kind, `${what}${after}.${unsure(request.method, idempotent, error)}`, state.retries, error.status ? { status: error.status } : {});
    if (retriable && state.retries < retry.maxRetries) {
      const delay = backoffDelay(retry, state.retries, this.options.random);
      if (state.waited + delay <= retry.maxTotalWaitMs) {
        logger.debug({ err: what, delay }, "retrying after a network error");
        return { retryAfterMs: delay, reason: `${what}; retrying`, otherwise: final };
      }
    }
    return final;
  }

  private async afterAnswer(request: ZoomRequest, answer: Answer, token: string, options: SendOptions, state: CallState): Promise<Step | ZoomResult> {
    const { retry, logger } = this.options;
    const { response } = answer;
    state.ticket?.observe(response.headers);
    const trackingId = response.headers.get("x-zm-trackingid") ?? undefined;
    const read = interpret(answer, request.method);
    if (read.kind === "bad") {
      logger.warn({ status: response.status, bytes: answer.body.length, contentType: response.headers.get("content-type") }, "unusable answer from Zoom");
      return failure("bad_answer", read.message, state.retries, { status: response.status, trackingId });
    }
    if (response.ok) {
      state.ticket?.succeeded(read.kind === "json" ? read.data : undefined);
      const example = response.headers.get("x-zoom-mcp-sandbox") === "example";
      return {
        ok: true,
        status: response.status,
        data: read.kind === "json" ? read.data : undefined,
        retries: state.retries,
        ...(read.kind === "file" ? { file: read.file } : {}),
        ...(trackingId ? { trackingId } : {}),
        ...(example ? { sandboxExample: true as const } : {}),
      };
    }

    const body = read.kind === "json" ? (read.data as { code?: unknown; message?: unknown; errors?: unknown } | undefined) : undefined;
    const zoomCode = typeof body?.code === "number" ? body.code : undefined;
    const zoomMessage = typeof body?.message === "string" ? body.message : read.kind === "text" ? read.text : undefined;
    const status = response.status;

    // Zoom may have invalidated the token (a newer one was issued elsewhere): fetch one fresh token, retry once.
    // Code 124 counts only on a 4xx: a 5xx that carries it did not reject the token, and must not resend a POST.
    if ((status === 401 || (zoomCode === 124 && status < 500)) && !state.refreshed && this.options.auth.invalidate(token)) {
      state.refreshed = true;
      logger.debug({ code: zoomCode }, "401 from Zoom: refreshing the token once");
      options.call?.notice("notice", "Zoom rejected the access token (HTTP 401); getting a fresh token and retrying once.");
      return { retryAfterMs: 0, reason: "refreshing the access token", otherwise: failure("auth", "Zoom rejected the access token.", state.retries, { status }) };
    }

    if (status === 429) return this.afterRateLimit(response, zoomCode, zoomMessage, trackingId, state);
    const tokenState = status === 401 ? (!this.options.auth.refreshable ? "static" : state.refreshed ? "refreshed" : "held") : undefined;

    const fieldErrors = Array.isArray(body?.errors) ? (body.errors as ZoomFailure["fieldErrors"]) : undefined;
    const retriable = retry.idempotentMethods.has(request.method) && retry.retryableStatuses.has(status);
    const after = retriesNote(state.retries, retriable && state.retries >= retry.maxRetries ? retry.maxRetries : undefined);
    const final = failure("http", `${zoomMessage ?? `HTTP ${status} ${response.statusText}`.trim()}${after}`, state.retries, {
      status, code: zoomCode, trackingId, tokenState, ...(fieldErrors ? { fieldErrors } : {}),
    });
    if (retriable && state.retries < retry.maxRetries) {
      const delay = parseRetryAfter(response.headers.get("retry-after"), this.now()) ?? backoffDelay(retry, state.retries, this.options.random);
      if (delay <= retry.maxRetryAfterMs && state.waited + delay <= retry.maxTotalWaitMs) {
        return { retryAfterMs: delay, reason: `Zoom answered HTTP ${status}; retrying`, otherwise: final };
      }
    }
    return final;
  }

  private async afterRateLimit(response: Response, zoomCode: number | undefined, zoomMessage: string | undefined, trackingId: string | undefined, state: CallState): Promise<Step | ZoomResult> {
    const { retry } = this.options;
    const info = classifyRateLimit(response.headers, zoomMessage, this.now());
    const limitName = `${info.category ? `${info.category} ` : ""}${info.kind === "daily" ? "daily" : "per-second"} rate limit`;
    const extra = { status: 429, code: zoomCode, trackingId, rateLimit: info };
    const delay = info.retryAfterMs ?? backoffDelay(retry, state.retries, this.options.random);
    await state.ticket?.limited(info, delay);
    if (info.kind === "daily") {
      return failure("rate_limit", `Zoom's ${limitName} is used up${zoomMessage ? `: ${zoomMessage}` : ""}. It resets at ${info.resetAt!.toISOString()}; do not retry before then.`, state.retries, extra);
    }
    const asked = info.retryAfterMs !== undefined ? Math.ceil(info.retryAfterMs / 1000) : undefined;
    const tried = `Zoom's ${limitName} was still exceeded after ${retryCount(state.retries)} and ${Math.round(state.waited / 1000)} s of waiting`;
    // A Retry-After over the fixed cap ends the call whatever the budget, so only the budget's failure names its setting.
    const overCap = info.retryAfterMs !== undefined && info.retryAfterMs > retry.maxRetryAfterMs;
    const final = failure(
      "rate_limit",
      overCap
        ? `${tried}; Zoom asked to wait ${asked} s, longer than the ${Math.round(retry.maxRetryAfterMs / 1000)} s zoom-mcp waits out. Try again after that wait.`
        : `${tried} (the wait budget, ${envName("rateLimitWaitMs")}, is ${Math.round(retry.maxTotalWaitMs / 1000)} s).${asked !== undefined ? ` Zoom asked to wait ${asked} s.` : ""} Try again shortly, or slow down.`,
      state.retries,
      extra,
    );
    // A 429 means Zoom did nothing, so any method may go again, until the call's wait budget (and its deadline) runs out.
    const tooLong = delay > retry.maxRetryAfterMs || state.waited + delay > retry.maxTotalWaitMs;
    if (!tooLong) return { retryAfterMs: delay, reason: `Zoom ${limitName} reached; retrying`, otherwise: final };
    return final;
  }

  /** The call ended early: cancelled by the client, or out of time. */
  private stopped(options: SendOptions, state: CallState): ZoomFailure {
    if (!options.signal?.aborted && this.now() >= state.deadline) return this.deadlineFailure(state);
    return failure("aborted", "The call was cancelled.", state.retries);
  }

  /** `waiting`: the call was still waiting for a token, not for Zoom, when its deadline passed. */
  private deadlineFailure(state: CallState, waiting?: "token"): ZoomFailure {
    const reached = state.reached
      ? "A request had already reached Zoom, so a change may have been applied: check before calling again."
      : "No request reached Zoom, so nothing was changed.";
    const attempts = `after ${state.attempts} attempt(s)`;
    const forToken = "while waiting for a Zoom access token";
    const when = waiting !== "token" ? attempts : state.attempts ? `${attempts}, ${forToken}` : forToken;
    // The token request outlives the call (see tokenWithin), so the next call may well find its token.
    const next = waiting === "token" ? " The token request goes on, so calling again shortly may find the token ready." : "";
    return failure("timeout", `The call did not finish within its ${this.callTimeoutMs} ms deadline (${envName("callTimeoutMs")}) ${when}. ${reached}${next}`, state.retries);
  }

  /** Waits between attempts. Returns false when the call was cancelled meanwhile. */
  private async wait(ms: number, reason: string, options: SendOptions): Promise<boolean> {
    if (ms <= 0) return !options.signal?.aborted;
    options.onWait?.(ms, reason);
    try {
      await this.sleep(ms, options.signal);
      return !options.signal?.aborted;
    } catch {
      return false;
    }
  }
}

/** The body is serialised once, here; the transport sends these bytes as they are. */
async function encodeBody(request: ZoomRequest): Promise<Encoded> {
  if (request.form) {
    const encoded = new Response(request.form);
    return { payload: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get("content-type") ?? "multipart/form-data" };
  }
  if (request.json !== undefined) return { payload: Buffer.from(JSON.stringify(request.json)), contentType: "application/json" };
  return {};
}

/** What a failed write may have done, in words. */
function unsure(method: string, idempotent: boolean, error: TransportError): string {
  if (idempotent) return "";
  if (error.stage === "connecting") return ` The ${method} did not reach Zoom, so nothing was changed.`;
  if (error.stage === "receiving") {
    return ` Zoom had started answering (HTTP ${error.status}), so the ${method} reached Zoom and was probably applied. It is not retried automatically because it could create or change something twice; check whether it took effect before calling again.`;
  }
  return ` A ${method} is not retried automatically because it could create or change something twice; check whether it took effect before calling again.`;
}

/**
 * How many retries a failure came after. `cap` is given when the retry cap is what ended it (a GET
 * still failing, not a POST that is never retried), so the user learns which setting to raise.
 */
function retriesNote(retries: number, cap?: number): string {
  if (!retries) return cap === 0 ? ` (not retried: ${envName("maxRetries")} is 0)` : "";
  const count = `after ${retryCount(retries)}`;
  return cap === undefined ? ` (${count})` : ` (${count}; ${envName("maxRetries")} is ${cap})`;
}

/** "1 retry", "3 retries". */
function retryCount(n: number): string {
  return `${n} ${n === 1 ? "retry" : "retries"}`;
}

function failure(kind: FailureKind, message: string, retries: number, extra: Partial<Omit<ZoomFailure, "ok" | "kind" | "message" | "retries">> = {}): ZoomFailure {
  const clean = Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined));
  return { ok: false, kind, message, retries, ...clean };
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
