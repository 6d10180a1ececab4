import ky, { type KyInstance } from "ky";
import { envName } from "../config.js";
import type { Logger } from "../logger.js";
import { AuthError, type AccessToken, type TokenProvider } from "./types.js";

export interface ServerToServerOptions {
  readonly accountId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tokenUrl: string;
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Injected for tests and the sandbox. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default Date.now */
  readonly now?: () => number;
  /**
   * Refresh this long before `expires_in` runs out, so a token never expires mid-request.
   * @default 60_000
   */
  readonly expirySkewMs?: number;
}

interface CachedToken extends AccessToken {
  readonly expiresAt: number;
}

interface TokenResponse {
  access_token?: unknown;
  expires_in?: unknown;
  api_url?: unknown;
}

/**
 * Zoom Server-to-Server OAuth (`grant_type=account_credentials`). Zoom may invalidate the previous
 * token when a new one is issued, so there is one cached token, refreshed near expiry by a single
 * in-flight request that concurrent callers share.
 */
export class ServerToServerTokenProvider implements TokenProvider {
  private cached: CachedToken | undefined;
  private inflight: Promise<CachedToken> | undefined;
  private readonly http: KyInstance;
  private readonly now: () => number;
  private readonly skew: number;

  constructor(private readonly options: ServerToServerOptions) {
    this.now = options.now ?? Date.now;
    this.skew = options.expirySkewMs ?? 60_000;
    this.http = ky.create({
      timeout: options.timeoutMs,
      retry: 0,
      throwHttpErrors: false,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  async getToken(signal?: AbortSignal): Promise<AccessToken> {
    const cached = this.cached;
    if (cached && this.now() < cached.expiresAt - this.skew) return cached;
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = undefined;
    });
    // A caller that is cancelled stops waiting; the shared request carries on for the others.
    return signal ? raceAbort(this.inflight, signal) : this.inflight;
  }

  invalidate(token: string): boolean {
    if (this.cached?.accessToken === token) this.cached = undefined;
    return true;
  }

  private async fetchToken(): Promise<CachedToken> {
    const { accountId, clientId, clientSecret, tokenUrl, logger } = this.options;
    const started = this.now();
    let response: Response;
    try {
      response = await this.http.post(tokenUrl, {
        headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}` },
        body: new URLSearchParams({ grant_type: "account_credentials", account_id: accountId }),
      });
    } catch (error) {
      throw new AuthError(`Could not reach the Zoom token endpoint ${tokenUrl}: ${describeNetworkError(error)}`);
    }
    const body = (await response.json().catch(() => ({}))) as TokenResponse & { reason?: unknown; error?: unknown };
    if (!response.ok || typeof body.access_token !== "string") {
      logger.warn({ status: response.status, error: body.error }, "token request failed");
      throw new AuthError(tokenFailureMessage(response.status, body), response.status);
    }
    const expiresIn = typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : 3599;
    const token: CachedToken = {
      accessToken: body.access_token,
      expiresAt: started + expiresIn * 1000,
      ...(typeof body.api_url === "string" && body.api_url ? { apiUrl: body.api_url } : {}),
    };
    this.cached = token;
    logger.debug({ expiresIn, apiUrl: token.apiUrl }, "fetched a Server-to-Server OAuth token");
    return token;
  }
}

/** Turns Zoom's OAuth error shape (`{reason, error}`) into a sentence that says what to fix. */
function tokenFailureMessage(status: number, body: { reason?: unknown; error?: unknown }): string {
  const code = typeof body.error === "string" ? body.error : undefined;
  const reason = typeof body.reason === "string" ? body.reason : undefined;
  const detail = [code && `(${code})`, reason && `: ${reason}`].filter(Boolean).join("");
  if (code === "invalid_client" || status === 401) {
    return `Zoom rejected the client credentials ${detail || `(HTTP ${status})`}. Check ${envName("clientId")} and ${envName("clientSecret")}.`;
  }
  if (code === "invalid_request" || code === "invalid_grant" || code === "unsupported_grant_type") {
    return `Zoom refused the token request ${detail}. Check ${envName("accountId")} and that the app is a Server-to-Server OAuth app.`;
  }
  return `The Zoom token endpoint answered HTTP ${status}${detail ? ` ${detail}` : ""}. Check the app's credentials and that it is activated.`;
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ? `${error.message} (${cause.code})` : error.message;
  }
  return String(error);
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
