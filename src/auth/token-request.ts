/**
 * One request to the OAuth token endpoint, bounded as a whole. ky's `timeout` ends when the headers
 * arrive, and nothing bounded the body read after it: an endpoint (or a proxy) that sent its headers
 * and then stalled the body held the single-flight token request, and every call waiting on it,
 * until a restart. Here one timer and one AbortController cover connecting, the headers and every
 * body byte, and the body is read only up to a fixed size.
 */
import type { KyInstance } from "ky";
import { DEFAULT_OAUTH_TOKEN_URL, envName } from "../config.js";
import type { Logger } from "../logger.js";
import { describeError } from "../http/transport.js";
import { AuthError } from "./types.js";

/** A token answer is a few hundred bytes; an answer this large is something else (a page, a proxy's error). */
export const MAX_TOKEN_ANSWER_BYTES = 1024 * 1024;

export interface TokenAnswer {
  readonly status: number;
  readonly ok: boolean;
  /** The parsed JSON body; `{}` when the body is not JSON. */
  readonly body: Record<string, unknown>;
}

export interface TokenRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: URLSearchParams;
  readonly timeoutMs: number;
  readonly logger: Logger;
}

/** Posts the token request and reads its whole answer within `timeoutMs`; throws AuthError on any failure to get one. */
export async function requestToken(http: KyInstance, request: TokenRequest): Promise<TokenAnswer> {
  const { url, timeoutMs, logger } = request;
  // One controller per token request, not per waiting call: on Node 20 every AbortSignal weighs on the GC.
  const controller = new AbortController();
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const timer = setTimeout(() => {
    controller.abort();
    // The abort ends the body under the global fetch; cancelling the reader too ends a read under any injected fetch.
    reader?.cancel().catch(() => undefined);
  }, timeoutMs);
  try {
    let response: Response;
    try {
      response = await http.post(url, { headers: request.headers, body: request.body, signal: controller.signal });
    } catch (error) {
      const reason = controller.signal.aborted ? `no answer within ${timeoutMs} ms (${envName("timeoutMs")})` : describeError(error);
      logger.warn({ tokenUrl: url, err: reason }, "could not reach the Zoom token endpoint");
      throw new AuthError(`Could not reach the Zoom token endpoint ${url}: ${reason}`);
    }
    reader = response.body?.getReader();
    const text = await readAnswer(reader, response, request, () => controller.signal.aborted);
    return { status: response.status, ok: response.ok, body: parseObject(text) };
  } finally {
    clearTimeout(timer);
  }
}

/** The body as text, up to MAX_TOKEN_ANSWER_BYTES; `expired` tells a read the timer ended from one that finished. */
async function readAnswer(reader: ReadableStreamDefaultReader<Uint8Array> | undefined, response: Response, request: TokenRequest, expired: () => boolean): Promise<string> {
  const { url, timeoutMs, logger } = request;
  const fail = (log: string, message: string): never => {
    reader?.cancel().catch(() => undefined);
    logger.warn({ tokenUrl: url, status: response.status }, log);
    throw new AuthError(message);
  };
  const stalled = () =>
    fail(
      "the Zoom token endpoint stalled its answer's body",
      `The Zoom token endpoint ${url} sent its headers (HTTP ${response.status}), then stalled the body: the whole answer did not come within ${timeoutMs} ms (${envName("timeoutMs")}). ` +
        `No token was cached, so the next call asks again; if the network or a proxy is this slow, raise ${envName("timeoutMs")}.`,
    );
  const tooLarge = (declared?: number) =>
    fail(
      "the Zoom token endpoint's answer is too large",
      `The Zoom token endpoint ${url} sent an answer larger than ${MAX_TOKEN_ANSWER_BYTES} bytes (HTTP ${response.status}${declared ? `, ${declared} bytes announced` : ""}); a token answer is a few hundred bytes, so it was not read further. ` +
        `Check ${envName("oauthTokenUrl")}: it must name the OAuth token endpoint (Zoom's is ${DEFAULT_OAUTH_TOKEN_URL}), not a page or a proxy in front of it.`,
    );
  const declared = Number(response.headers.get("content-length"));
  if (declared > MAX_TOKEN_ANSWER_BYTES) return tooLarge(declared);
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    if (expired()) return stalled();
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await reader.read();
    } catch (error) {
      if (expired()) return stalled();
      return fail(
        "the Zoom token endpoint's answer was cut off",
        `The Zoom token endpoint ${url} sent its headers (HTTP ${response.status}), then the answer was cut off: ${describeError(error)}. No token was cached, so the next call asks again.`,
      );
    }
    // A read the timer cancelled ends as `done` too.
    if (expired()) return stalled();
    if (chunk.done) break;
    size += chunk.value.length;
    if (size > MAX_TOKEN_ANSWER_BYTES) return tooLarge();
    chunks.push(chunk.value);
  }
  return Buffer.concat(chunks, size).toString("utf8");
}

/** The answer's JSON object, or `{}` for anything else (the caller explains by the status). */
function parseObject(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
