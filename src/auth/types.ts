/** A bearer token, and the API base URL Zoom assigned with it (Server-to-Server OAuth only). */
export interface AccessToken {
  readonly accessToken: string;
  readonly apiUrl?: string;
  /** The scopes Zoom granted, from the token response's `scope` (Server-to-Server OAuth only). */
  readonly scopes?: readonly string[];
}

/** The part of a tool call (src/transports/calls.ts) a token provider may talk to: notices for its user. */
export interface TokenNotices {
  notice(level: "debug" | "info" | "notice", message: string): void;
}

export interface TokenProvider {
  /**
   * Returns a usable token, fetching one if needed. Throws AuthError when none can be had. `call`
   * is the tool call the token is for, when there is one.
   */
  getToken(signal?: AbortSignal, call?: TokenNotices): Promise<AccessToken>;
  /**
   * The usable token held now, when getToken would return it without waiting; otherwise undefined.
   * Synchronous, so a caller that bounds the wait for getToken (the call's deadline) arms no timer
   * for the common case of a cached token.
   */
  peek?(call?: TokenNotices): AccessToken | undefined;
  /**
   * Drops `token` from the cache after Zoom rejected it. Returns true when a fresh token can be
   * fetched, so the caller may retry once.
   */
  invalidate(token: string): boolean;
  /** False for a fixed access token (the accessToken setting), which zoom-mcp cannot replace when Zoom rejects it. */
  readonly refreshable: boolean;
}

/** A failure to obtain a token. Its message is safe to show: it never holds a secret or a token. */
export class AuthError extends Error {
  override name = "AuthError";
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}
