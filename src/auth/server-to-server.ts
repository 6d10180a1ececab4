import type { KyInstance } from "ky";
import { envName } from "../config.js";
import { lazyKy } from "../http/lazy-ky.js";
import type { Logger } from "../logger.js";
import type { SharedTokenStore } from "./shared-token.js";
import { requestToken } from "./token-request.js";
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
   * Refresh this long before `expires_in` runs out, so a token never expires mid-request. A short
   * lifetime gets a tenth of it instead, so a token is always used for most of its life.
   * @default 60_000
   */
  readonly expirySkewMs?: number;
  /** Shares one token between replicas through Redis (the redisUrl setting). */
  readonly shared?: SharedTokenStore;
  /**
   * After Zoom rejects a fresh token too, the next forced refresh waits this long, doubling each
   * time up to `maxRefreshBackoffMs`, so a 401 storm cannot become a token-request storm.
   * @default 1000
   */
  readonly refreshBackoffMs?: number;
  /** @default 300_000 */
  readonly maxRefreshBackoffMs?: number;
}

interface CachedToken extends AccessToken {
  readonly expiresAt: number;
  /** expires_in, in ms: the refresh margin scales down for short-lived tokens. */
  readonly lifetimeMs?: number;
}

interface TokenResponse {
  access_token?: unknown;
  expires_in?: unknown;
  api_url?: unknown;
  scope?: unknown;
}

/**
 * Zoom Server-to-Server OAuth (`grant_type=account_credentials`). Zoom may invalidate the previous
 * token when a new one is issued, so there is one cached token, refreshed near expiry by a single
 * in-flight request that concurrent callers share.
 */
export class ServerToServerTokenProvider implements TokenProvider {
  private cached: CachedToken | undefined;
  private inflight: Promise<CachedToken> | undefined;
  /** ky, loaded with the first token request. */
  private readonly http: () => Promise<KyInstance>;
  private readonly now: () => number;
  private readonly skew: number;
  /** Forced refreshes (after a 401) in a row, and when the next one is allowed. */
  private forced = 0;
  private lastForcedAt = -Infinity;
  private nextForcedAt = -Infinity;
  /** The token Zoom last rejected: never taken back from the shared store. */
  private rejected: string | undefined;
  private dropping: Promise<void> | undefined;
  readonly refreshable = true;

  constructor(private readonly options: ServerToServerOptions) {
    this.now = options.now ?? Date.now;
    this.skew = options.expirySkewMs ?? 60_000;
    this.http = lazyKy({
      // The bound is requestToken's: ky's own timeout would end at the headers and leave the body unbounded.
      timeout: false,
      retry: 0,
      throwHttpErrors: false,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  async getToken(signal?: AbortSignal): Promise<AccessToken> {
    const cached = this.peek();
    if (cached) return cached;
    this.inflight ??= this.obtain().finally(() => {
      this.inflight = undefined;
    });
    // A caller that is cancelled stops waiting; the shared request carries on for the others.
    return signal ? raceAbort(this.inflight, signal) : this.inflight;
  }

  peek(): AccessToken | undefined {
    const cached = this.cached;
    return cached && this.fresh(cached) ? cached : undefined;
  }

  /**
   * Zoom rejected `token`. A caller holding an older token than the current one simply retries with
   * the current one; the first caller to report the current token triggers the one refresh that all
   * share. Refreshes after repeated 401s back off (1 s, 2 s, 4 s ... up to 5 min, reset after 5
   * quiet minutes); while one is held back, false tells the caller to fail instead of retrying.
   */
  invalidate(token: string): boolean {
    const current = this.cached?.accessToken;
    if (current !== undefined && current !== token) return true;
    if (current === undefined && this.inflight) return true;
    const now = this.now();
    const maxBackoff = this.options.maxRefreshBackoffMs ?? 300_000;
    if (now - this.lastForcedAt > maxBackoff) this.forced = 0;
    if (now < this.nextForcedAt) {
      this.options.logger.warn({ retryInMs: this.nextForcedAt - now }, "Zoom keeps rejecting fresh tokens: holding back the next refresh");
      return false;
    }
    this.forced++;
    this.lastForcedAt = now;
    this.nextForcedAt = now + Math.min(maxBackoff, (this.options.refreshBackoffMs ?? 1000) * 2 ** (this.forced - 1));
    this.cached = undefined;
    this.rejected = token;
    if (this.options.shared) this.dropping = this.options.shared.drop(token);
    return true;
  }

  private fresh(token: CachedToken): boolean {
    return this.now() < token.expiresAt - marginFor(token, this.skew);
  }

  /** Without Redis: fetch. With it: take the shared token, or fetch it under the replicas' lock. */
  private async obtain(): Promise<CachedToken> {
    const shared = this.options.shared;
    if (!shared) return this.fetchToken();
    await this.dropping;
    const usable = (t: CachedToken | undefined | "down"): t is CachedToken => !!t && t !== "down" && t.accessToken !== this.rejected && this.fresh(t);
    const giveUpAt = performance.now() + this.options.timeoutMs;
    for (;;) {
      const found = await shared.read();
      if (found === "down") return this.fetchToken();
      if (usable(found)) return (this.cached = found);
      const lock = await shared.lock(this.options.timeoutMs + 5000);
      if (lock === "down") return this.fetchToken();
      if (lock) {
        try {
          const again = await shared.read();
          if (usable(again)) return (this.cached = again);
          const token = await this.fetchToken();
          await shared.write(token, token.expiresAt - this.now());
          return token;
        } finally {
          await shared.unlock(lock);
        }
      }
      // Another replica is fetching: wait for its token rather than fetch one that would invalidate it.
      if (performance.now() > giveUpAt) return this.fetchToken();
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  private async fetchToken(): Promise<CachedToken> {
    const { accountId, clientId, clientSecret, tokenUrl, timeoutMs, logger } = this.options;
    const started = this.now();
    const http = await this.http();
    const answer = await requestToken(http, {
      url: tokenUrl,
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}` },
      body: new URLSearchParams({ grant_type: "account_credentials", account_id: accountId }),
      timeoutMs,
      logger,
    });
    const body = answer.body as TokenResponse & { reason?: unknown; error?: unknown };
    if (!answer.ok || typeof body.access_token !== "string") {
      logger.warn({ status: answer.status, error: body.error }, "token request failed");
      throw new AuthError(tokenFailureMessage(answer.status, body), answer.status);
    }
    const expiresIn = typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : 3599;
    const token: CachedToken = {
      accessToken: body.access_token,
      expiresAt: started + expiresIn * 1000,
      lifetimeMs: expiresIn * 1000,
      ...(typeof body.api_url === "string" && body.api_url ? { apiUrl: body.api_url } : {}),
      ...(typeof body.scope === "string" && body.scope.trim() ? { scopes: body.scope.trim().split(/\s+/) } : {}),
    };
    this.cached = token;
    logger.debug({ expiresIn, apiUrl: token.apiUrl }, "fetched a Server-to-Server OAuth token");
    return token;
  }
}

/** Refresh margin: the configured skew, or a tenth of a short token's lifetime. */
function marginFor(token: CachedToken & { lifetimeMs?: number }, skew: number): number {
  return Math.min(skew, (token.lifetimeMs ?? Infinity) / 10);
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
