/**
 * What the transports under ky share: the per-attempt options, the errors, and the body that travels
 * next to a Response. The keep-alive node:http(s) transport itself is in node-fetch.ts (imported with
 * the first request: node:https alone is a noticeable part of a cold start); boundedFetch below wraps
 * any other fetch (the sandbox's, a test's) in the same bounds.
 *
 * ky builds the request (method, URL, headers) and hands it to the transport; the body travels as a
 * ready Buffer in the attempt options, so it is serialised once and never streamed through a
 * `Request`. One attempt is bounded in time and size as a whole: a single timer covers connecting,
 * sending, the headers and every byte of the body, and the body is read only up to `maxBodyBytes`
 * (after decompression). The Response carries the whole body, already read.
 */
import { envName } from "../config.js";

/** Per-attempt options, passed through ky to the transport as an option ky does not know. */
export interface AttemptOptions {
  /**
   * The request's headers. The client's ky hook sets them on the Request ky built: ky's own `headers`
   * option would merge them through five Headers objects per request.
   */
  readonly headers?: Readonly<Record<string, string>>;
  /** The serialised request body. */
  readonly payload?: Buffer;
  /** Cancels the attempt (the client went away). */
  readonly signal?: AbortSignal;
  /** The whole attempt, body included, must end within this many ms. */
  readonly timeoutMs: number;
  /** Set when `timeoutMs` is what is left of the call's deadline rather than the per-attempt timeout. */
  readonly deadline?: boolean;
  /** Largest body read, in bytes, after decompression. */
  readonly maxBodyBytes: number;
}

export type AttemptInit = RequestInit & { readonly attempt?: AttemptOptions };

/** How far an attempt got: a request that was never sent cannot have changed anything at Zoom. */
export type Stage = "connecting" | "sent" | "receiving";

export type TransportErrorKind = "timeout" | "network" | "too_large" | "encoding" | "aborted";

export class TransportError extends Error {
  override name = "TransportError";
  constructor(
    readonly kind: TransportErrorKind,
    message: string,
    /** `sent` or `receiving`: the request may have reached Zoom. */
    readonly stage: Stage,
    /** The attempt ran out of the call's deadline, not of its own timeout. */
    readonly deadline = false,
    /** HTTP status, when the headers had arrived. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * The whole body of a Response this transport built. Such a Response has no body stream of its own
 * (building one costs more than the rest of the request): read its bytes with bufferedBody().
 */
const bodies = new WeakMap<Response, Buffer>();

export function bufferedBody(response: Response): Buffer | undefined {
  return bodies.get(response);
}

/** Hands `body` over with `response` (see bufferedBody). */
export function keepBody(response: Response, body: Buffer): void {
  bodies.set(response, body);
}

export interface NodeFetch {
  (input: string | URL | Request, init?: AttemptInit): Promise<Response>;
  /** Closes the idle keep-alive sockets. */
  close(): void;
}

export function tooLarge(maxBytes: number, status: number | undefined, declared?: number): TransportError {
  const size = declared !== undefined ? ` (${declared} bytes announced)` : "";
  return new TransportError(
    "too_large",
    `Zoom's answer is larger than the ${maxBytes}-byte limit (${envName("maxResponseBytes")})${size}; it was not read further. Ask for less (fewer fields, a smaller page_size or a narrower date range).`,
    "receiving",
    false,
    status,
  );
}

/** A failed fetch in words: its message, and the system error code under it (ECONNREFUSED, UND_ERR_SOCKET) when there is one. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ? `${error.message} (${cause.code})` : error.message;
  }
  return String(error);
}

/** Why an attempt's timer fired: the call's deadline, or the per-attempt timeout, named by its setting. */
export function timedOut(attempt: AttemptOptions): string {
  return attempt.deadline ? "the call's deadline passed" : `Zoom did not answer within ${attempt.timeoutMs} ms (${envName("timeoutMs")})`;
}

/**
 * Wraps another fetch (the sandbox's, a test's) with the same per-attempt bounds: one timer for the
 * whole attempt, body included, and the size limit while reading.
 */
export function boundedFetch(inner: typeof fetch): (input: string | URL | Request, init?: AttemptInit) => Promise<Response> {
  return async (input, init) => {
    const attempt = init?.attempt ?? { timeoutMs: 30_000, maxBodyBytes: 32 * 1024 * 1024 };
    const controller = new AbortController();
    let stage: Stage = "sent";
    let status: number | undefined;
    const onAbort = () => controller.abort(new TransportError("aborted", "the call was cancelled", stage));
    if (attempt.signal?.aborted) throw new TransportError("aborted", "the call was cancelled", "connecting");
    attempt.signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() => {
      controller.abort(new TransportError("timeout", timedOut(attempt), stage, attempt.deadline ?? false, status));
    }, attempt.timeoutMs);
    try {
      const base = input instanceof Request ? input : new Request(input);
      const request = new Request(base, { signal: controller.signal, ...(attempt.payload ? { body: attempt.payload } : {}) });
      const response = await inner(request);
      stage = "receiving";
      status = response.status;
      const body = await readLimited(response, attempt.maxBodyBytes);
      const copy = new Response(null, { status: response.status, statusText: response.statusText, headers: response.headers });
      keepBody(copy, body);
      return copy;
    } catch (error) {
      if (controller.signal.aborted && controller.signal.reason instanceof TransportError) throw controller.signal.reason;
      if (error instanceof TransportError) throw error;
      throw new TransportError("network", (error as Error).message ?? String(error), stage, false, status);
    } finally {
      clearTimeout(timer);
      attempt.signal?.removeEventListener("abort", onAbort);
    }
  };
}

async function readLimited(response: Response, maxBytes: number): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes, response.status);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}
