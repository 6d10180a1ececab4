/**
 * The transport under ky: a small `fetch` over node:http(s) with keep-alive agents (see transport.ts
 * for what an attempt is and how it is bounded). Imported with the first request.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { createBrotliDecompress, createGunzip, createInflate, type Gunzip } from "node:zlib";
import { keepBody, timedOut, tooLarge, TransportError, type AttemptInit, type AttemptOptions, type NodeFetch, type Stage } from "./transport.js";

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
      const where = stage === "receiving" ? `: HTTP ${status} headers arrived, the body stalled` : stage === "sent" ? ": the request was sent, no answer came" : ": no connection was made";
      finish(new TransportError("timeout", timedOut(attempt) + where, stage, attempt.deadline ?? false, status));
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
  keepBody(response, body);
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

