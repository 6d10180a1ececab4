import { CREDENTIALS, joinNames } from "../config.js";
import { AuthError, type AccessToken, type TokenProvider } from "./types.js";

/** Serves a ready bearer token (the accessToken setting). It cannot be refreshed. */
export class StaticTokenProvider implements TokenProvider {
  readonly refreshable = false;
  private readonly token: AccessToken;
  constructor(accessToken: string) {
    this.token = { accessToken };
  }

  async getToken(): Promise<AccessToken> {
    return this.token;
  }

  peek(): AccessToken {
    return this.token;
  }

  invalidate(): boolean {
    return false;
  }
}

/** Stands in when no credentials are configured: every call fails with what to set. */
export class MissingCredentialsProvider implements TokenProvider {
  readonly refreshable = false;
  constructor(private readonly missing: readonly string[]) {}

  async getToken(): Promise<AccessToken> {
    throw new AuthError(
      `No Zoom credentials are configured (missing ${this.missing.join(", ")}). ` +
        `Set ${joinNames(CREDENTIALS.s2s)} for a Server-to-Server OAuth app, ` +
        `or ${CREDENTIALS.token} for a ready bearer token, then restart zoom-mcp.`,
    );
  }

  invalidate(): boolean {
    return false;
  }
}
