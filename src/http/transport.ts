/**
 * The transport under ky: a small `fetch` over node:http(s) with keep-alive agents. ky builds the
 * request (method, URL, headers) and hands it here; the body travels as a ready Buffer in the
 * attempt options, so it is serialised once and never streamed through a `Request`.
 *
 * One attempt is bounded in time and size as a whole: a single timer covers connecting, sending,
 * the headers and every byte of the body, and the body is read only up to `maxBodyBytes` (after
 * decompression). The Response carries the whole body, already read.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { createBrotliDecompress, createGunzip, createInflate, type Gunzip } from "node:zlib";
import { envName } from "../config.js";

/** Per-attempt options, passed through ky to the transport as an option ky does not know. */
export interface AttemptOptions {
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

export interface NodeFetch {
  (input: string | URL | Request, init?: AttemptInit): Promise<Response>;
  /** Closes the idle keep-alive sockets. */
  close(): void;
}

export function createNodeFetch(): NodeFetch {
  const agents = {
    "http:": new HttpAgent({ keepAlive: true, scheduling: "lifo" }),
    "https:": new HttpsAgent({ keepAlive: true, scheduling: "lifo" }),
  };
  const fetchImpl = (input: string | URL | Request, init?: AttemptInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const attempt = init?.attempt ?? { timeoutMs: 30_000, maxBodyBytes: 32 * 1024 * 1024 };
    const url = new URL(request.url);
    const secure = url.protocol === "https:";
    if (!secure && url.protocol !== "http:") return Promise.reject(new TransportError("network", `unsupported protocol ${url.protocol}`, "connecting"));
    const headers: Record<string, string> = {};
    request.headers.forEach((value, key) => {
      headers[key] = value;
    });
    headers["accept-encoding"] ??= "gzip, deflate, br";
    const payload = attempt.payload;
    if (payload) headers["content-length"] = String(payload.length);
    else if (request.method !== "GET" && request.method !== "HEAD") headers["content-length"] = "0";
    return send(secure, url, request.method, headers, payload, attempt, secure ? agents["https:"] : agents["http:"]);
  };
  return Object.assign(fetchImpl, {
    close() {
      agents["http:"].destroy();
      agents["https:"].destroy();
    },
  });
}

function send(
  secure: boolean,
  url: URL,
  method: string,
  headers: Record<string, string>,
  payload: Buffer | undefined,
  attempt: AttemptOptions,
  agent: HttpAgent,
): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    let stage: Stage = "connecting";
    let status: number | undefined;
    let settled = false;
    const finish = (error: TransportError | undefined, response?: Response) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      attempt.signal?.removeEventListener("abort", onAbort);
      if (error) {
        req.destroy();
        reject(error);
      } else resolve(response!);
    };
    const timer = setTimeout(() => {
      const what = attempt.deadline ? "the call's deadline passed" : `Zoom did not answer within ${attempt.timeoutMs} ms`;
      const where = stage === "receiving" ? ` (HTTP ${status} headers arrived, the body stalled)` : stage === "sent" ? " (the request was sent; no answer came)" : " (no connection)";
      finish(new TransportError("timeout", what + where, stage, attempt.deadline ?? false, status));
    }, attempt.timeoutMs);
    const onAbort = () => finish(new TransportError("aborted", "the call was cancelled", stage));
    if (attempt.signal?.aborted) return onAbort();
    attempt.signal?.addEventListener("abort", onAbort, { once: true });

    const req = (secure ? httpsRequest : httpRequest)(url, { method, headers, agent });
    req.on("error", (error: Error & { code?: string }) => {
      finish(new TransportError("network", error.code ? `${error.message} (${error.code})` : error.message, stage, false, status));
    });
    req.on("finish", () => {
      if (stage === "connecting") stage = "sent";
    });
    req.on("response", (res: IncomingMessage) => {
      stage = "receiving";
      status = res.statusCode ?? 0;
      // The last body byte settles the attempt directly, with no promise between (a hop costs more than the rest here).
      readResponse(res, attempt.maxBodyBytes, (error, body) => {
        if (error) return finish(error);
        try {
          finish(undefined, toResponse(res, body!));
        } catch (error) {
          finish(new TransportError("network", `Zoom sent an invalid answer: ${(error as Error).message}`, stage, false, status));
        }
      });
    });
    req.end(payload);
  });
}

function toResponse(res: IncomingMessage, body: Buffer): Response {
  const status = res.statusCode ?? 0;
  const headers: [string, string][] = [];
  const raw = res.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    // The body is handed over decoded and whole.
    if (name === "content-encoding" || name === "content-length" || name === "transfer-encoding") continue;
    headers.push([name, raw[i + 1]!]);
  }
  // The bytes stay out of the Response (a Response over a Buffer costs ~45 µs to build); bufferedBody() hands them over.
  const response = new Response(null, { status, statusText: res.statusMessage ?? "", headers });
  bodies.set(response, body);
  return response;
}

/** Reads the whole body, decoding gzip, deflate or brotli, and stops at `maxBytes`; calls `done` once. */
function readResponse(res: IncomingMessage, maxBytes: number, done: (error: TransportError | undefined, body?: Buffer) => void): void {
  const declared = Number(res.headers["content-length"]);
  const encoding = String(res.headers["content-encoding"] ?? "").trim().toLowerCase();
  const status = res.statusCode;
  if (!encoding && declared > maxBytes) {
    res.destroy();
    return done(tooLarge(maxBytes, status, declared));
  }
  let decoder: Gunzip | ReturnType<typeof createBrotliDecompress> | undefined;
  if (encoding === "gzip" || encoding === "x-gzip") decoder = createGunzip();
  else if (encoding === "deflate") decoder = createInflate();
  else if (encoding === "br") decoder = createBrotliDecompress();
  else if (encoding && encoding !== "identity") {
    res.destroy();
    return done(new TransportError("encoding", `Zoom's answer uses an unknown content-encoding "${encoding.slice(0, 40)}"`, "receiving", false, status));
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  const fail = (error: TransportError) => {
    if (over) return;
    over = true;
    res.destroy();
    decoder?.destroy();
    done(error);
  };
  const source = decoder ?? res;
  source.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) return fail(tooLarge(maxBytes, status));
    chunks.push(chunk);
  });
  source.on("end", () => {
    if (over) return;
    over = true;
    done(undefined, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
  });
  // A connection closed before the body ended ("terminated").
  res.on("aborted", () => fail(new TransportError("network", "the connection closed before Zoom's answer was complete (truncated body)", "receiving", false, status)));
  res.on("error", (error) => fail(new TransportError("network", `the answer was cut off: ${error.message}`, "receiving", false, status)));
  res.on("close", () => {
    if (!res.complete) fail(new TransportError("network", "the connection closed before Zoom's answer was complete (truncated body)", "receiving", false, status));
  });
  if (decoder) {
    decoder.on("error", (error) => fail(new TransportError("encoding", `Zoom's ${encoding} answer could not be decompressed: ${error.message}`, "receiving", false, status)));
    res.pipe(decoder);
  }
}

function tooLarge(maxBytes: number, status: number | undefined, declared?: number): TransportError {
  const size = declared !== undefined ? ` (${declared} bytes announced)` : "";
  return new TransportError(
    "too_large",
    `Zoom's answer is larger than the ${maxBytes}-byte limit (${envName("maxResponseBytes")})${size}; it was not read further. Ask for less (fewer fields, a smaller page_size or a narrower date range).`,
    "receiving",
    false,
    status,
  );
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
      const what = attempt.deadline ? "the call's deadline passed" : `Zoom did not answer within ${attempt.timeoutMs} ms`;
      controller.abort(new TransportError("timeout", what, stage, attempt.deadline ?? false, status));
    }, attempt.timeoutMs);
    try {
      const base = input instanceof Request ? input : new Request(input);
      const request = new Request(base, { signal: controller.signal, ...(attempt.payload ? { body: attempt.payload } : {}) });
      const response = await inner(request);
      stage = "receiving";
      status = response.status;
      const body = await readLimited(response, attempt.maxBodyBytes);
      const copy = new Response(null, { status: response.status, statusText: response.statusText, headers: response.headers });
      bodies.set(copy, body);
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
