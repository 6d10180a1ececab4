/**
 * Authentication on the MCP endpoint: static bearer tokens, OAuth 2.1 resource-server mode, or both.
 *
 * Bearer tokens (settings authTokens and authTokensFile) are kept only as SHA-256
 * hashes and compared in constant time. Each entry may bind its token to limits:
 *
 *     TOKEN [name=LABEL] [readonly] [toolsets=a,b] [tools=x,y] [exclude-tools=z]
 *
 * Entries are separated by newlines or `;` (in the file: one per line, `#` starts a comment).
 *
 * OAuth mode (oauthIssuer + oauthAudience) accepts JWTs signed by a key in the issuer's JWKS
 * (found through its RFC 8414 / OpenID metadata unless oauthJwksUrl is set), with that issuer,
 * that audience and an expiry; oauthScopes lists scopes every
 * token must carry. The server publishes RFC 9728 protected-resource metadata, and every 401
 * points at it in WWW-Authenticate, as the MCP authorization spec asks.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { getOAuthProtectedResourceMetadataUrl } from "@modelcontextprotocol/sdk/server/auth/router.js";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { envName, type Config } from "../config.js";
import type { Logger } from "../logger.js";
import type { Limits } from "./narrowing.js";

/** Who a request comes from: sessions are bound to it and capped per identity. */
export interface Identity {
  /** Stable and safe to log: a token's label or hash prefix, or the JWT's subject. Never the token. */
  readonly id: string;
  readonly kind: "anonymous" | "token" | "oauth";
  /** Limits bound to this identity's token. */
  readonly limits?: Limits;
  readonly authInfo?: AuthInfo;
}

export const ANONYMOUS: Identity = { id: "anonymous", kind: "anonymous" };

export interface AuthRejection {
  readonly status: 401 | 403 | 503;
  readonly headers: Record<string, string>;
  readonly body: { error: string; error_description: string };
}

export type AuthOutcome = { ok: true; identity: Identity } | { ok: false; rejection: AuthRejection };

export class AuthConfigError extends Error {
  override name = "AuthConfigError";
}

export interface TokenEntry {
  readonly hash: Buffer;
  readonly name: string;
  readonly limits?: Limits;
}

const TOKEN_CHARS = /^[A-Za-z0-9._~+/=-]+$/;
const MIN_TOKEN_LENGTH = 16;
const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest();

/** Parses token entries. The tokens themselves leave this function only as hashes. */
export function parseTokenEntries(text: string, source: string): TokenEntry[] {
  const entries: TokenEntry[] = [];
  const lines = text.split(/[\n;]/);
  lines.forEach((rawLine, index) => {
    const line = rawLine.replace(/#.*$/, "").trim();
    if (!line) return;
    const where = `${source}, entry ${index + 1}`;
    const [token, ...words] = line.split(/\s+/);
    if (!TOKEN_CHARS.test(token!)) {
      throw new AuthConfigError(`${where}: a token may hold only letters, digits and . _ ~ + / = - (separate entries with ";" or newlines, options with spaces).`);
    }
    if (token!.length < MIN_TOKEN_LENGTH) {
      throw new AuthConfigError(`${where}: the token is shorter than ${MIN_TOKEN_LENGTH} characters; use a long random one, e.g. \`openssl rand -hex 32\`.`);
    }
    let name: string | undefined;
    const limits: { toolsets?: string[]; tools?: string[]; excludeTools?: string[]; readOnly?: boolean } = {};
    for (const word of words) {
      const eq = word.indexOf("=");
      const key = (eq < 0 ? word : word.slice(0, eq)).toLowerCase();
      const value = eq < 0 ? "" : word.slice(eq + 1);
      const list = () => value.split(",").map((s) => s.trim()).filter(Boolean);
      if (key === "readonly" || key === "read-only") limits.readOnly = true;
      else if (key === "name" && value) name = value;
      else if (key === "toolsets" && value) limits.toolsets = list();
      else if (key === "tools" && value) limits.tools = list();
      else if ((key === "exclude-tools" || key === "exclude_tools") && value) limits.excludeTools = list();
      else throw new AuthConfigError(`${where}: unknown option ${JSON.stringify(eq < 0 ? key : `${key}=`)}; use name=LABEL, readonly, toolsets=a,b, tools=x,y or exclude-tools=z.`);
    }
    const hash = sha256(token!);
    if (entries.some((e) => e.hash.equals(hash))) throw new AuthConfigError(`${where}: the same token is listed twice.`);
    entries.push({ hash, name: name ?? `token-${hash.subarray(0, 6).toString("hex")}`, ...(Object.keys(limits).length ? { limits } : {}) });
  });
  return entries;
}

/** Compares against every entry without stopping early, so timing does not tell which (if any) matched. */
export function matchToken(entries: readonly TokenEntry[], presented: string): TokenEntry | undefined {
  const hash = sha256(presented);
  let found: TokenEntry | undefined;
  for (const entry of entries) if (timingSafeEqual(entry.hash, hash) && !found) found = entry;
  return found;
}

export interface OAuthSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl?: string;
  readonly requiredScopes: readonly string[];
  /** Public URL of /mcp; unset means built from each request's Host. */
  readonly publicUrl?: string;
  /** For discovery of the issuer's metadata. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** Finds the issuer's jwks_uri: RFC 8414 (path-inserted, then appended) and OpenID Connect discovery. */
async function discoverJwksUri(issuer: string, fetchImpl: typeof fetch): Promise<string> {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/$/, "");
  const candidates = [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}${path}/.well-known/oauth-authorization-server`,
    `${url.origin}/.well-known/openid-configuration${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ];
  const tried: string[] = [];
  for (const candidate of [...new Set(candidates)]) {
    try {
      const res = await fetchImpl(candidate, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(5000) });
      if (!res.ok) {
        await res.body?.cancel();
        tried.push(`${candidate} (HTTP ${res.status})`);
        continue;
      }
      const meta = (await res.json()) as { jwks_uri?: unknown; issuer?: unknown };
      if (typeof meta.jwks_uri === "string") return meta.jwks_uri;
      tried.push(`${candidate} (no jwks_uri)`);
    } catch (error) {
      tried.push(`${candidate} (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  throw new Error(`could not find the issuer's JWKS; tried ${tried.join(", ")}. Set ${envName("oauthJwksUrl")}.`);
}

function scopesOf(payload: JWTPayload): string[] {
  const raw = payload.scope ?? payload.scp;
  if (typeof raw === "string") return raw.split(/\s+/).filter(Boolean);
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === "string");
  return [];
}

/** The metadata document this server publishes (RFC 9728). */
export function protectedResourceMetadata(settings: OAuthSettings, resource: string): Record<string, unknown> {
  return {
    resource,
    authorization_servers: [settings.issuer],
    bearer_methods_supported: ["header"],
    ...(settings.requiredScopes.length ? { scopes_supported: [...settings.requiredScopes] } : {}),
    resource_name: "zoom-mcp",
  };
}

export class HttpAuth {
  private jwks: Promise<JWTVerifyGetKey> | undefined;

  constructor(
    private readonly tokens: readonly TokenEntry[],
    readonly oauth: OAuthSettings | undefined,
    private readonly logger: Logger,
  ) {}

  get enabled(): boolean {
    return this.tokens.length > 0 || this.oauth !== undefined;
  }

  get tokenCount(): number {
    return this.tokens.length;
  }

  /** Every token entry's limits, to check them against the catalog at startup. */
  get tokenLimits(): Array<{ name: string; limits: Limits }> {
    return this.tokens.filter((t) => t.limits).map((t) => ({ name: t.name, limits: t.limits! }));
  }

  /** The public URL of /mcp for this request. */
  resourceUrl(req: IncomingMessage): string {
    if (this.oauth?.publicUrl) return this.oauth.publicUrl;
    const forwarded = String(req.headers["x-forwarded-proto"] ?? "").split(",")[0]!.trim();
    const proto = forwarded === "https" ? "https" : "http";
    return `${proto}://${req.headers.host ?? "localhost"}/mcp`;
  }

  metadataUrl(req: IncomingMessage): string {
    return getOAuthProtectedResourceMetadataUrl(new URL(this.resourceUrl(req)));
  }

  async authenticate(req: IncomingMessage): Promise<AuthOutcome> {
    if (!this.enabled) return { ok: true, identity: ANONYMOUS };
    const header = req.headers.authorization;
    if (!header) return this.reject(req, 401, undefined, "This server needs a bearer token: send Authorization: Bearer <token>.");
    const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
    if (!match) return this.reject(req, 401, "invalid_request", "The Authorization header must be `Bearer <token>`.");
    const presented = match[1]!;

    const entry = this.tokens.length ? matchToken(this.tokens, presented) : undefined;
    if (entry) {
      const authInfo: AuthInfo = { token: "", clientId: entry.name, scopes: [], extra: { identity: `token:${entry.name}` } };
      return { ok: true, identity: { id: `token:${entry.name}`, kind: "token", ...(entry.limits ? { limits: entry.limits } : {}), authInfo } };
    }
    if (!this.oauth) return this.reject(req, 401, "invalid_token", "The bearer token is not valid for this server.");
    return this.verifyJwt(req, presented, this.oauth);
  }

  private async verifyJwt(req: IncomingMessage, token: string, oauth: OAuthSettings): Promise<AuthOutcome> {
    let keys: JWTVerifyGetKey;
    try {
      this.jwks ??= (oauth.jwksUrl ? Promise.resolve(oauth.jwksUrl) : discoverJwksUri(oauth.issuer, oauth.fetch ?? fetch)).then((uri) =>
        createRemoteJWKSet(new URL(uri), { timeoutDuration: 5000, cooldownDuration: 30_000 }),
      );
      keys = await this.jwks;
    } catch (error) {
      this.jwks = undefined; // try discovery again on the next request
      this.logger.error({ err: error instanceof Error ? error.message : String(error), issuer: oauth.issuer }, "cannot verify OAuth tokens");
      return this.unavailable("The server cannot verify tokens right now: its authorization server's keys are unreachable. Try again shortly.");
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, { issuer: oauth.issuer, audience: oauth.audience, requiredClaims: ["exp"], clockTolerance: 30 }));
    } catch (error) {
      if (error instanceof joseErrors.JWKSTimeout || (error instanceof Error && /fetch|ECONNREFUSED|network/i.test(error.message) && !(error instanceof joseErrors.JOSEError))) {
        this.logger.error({ err: error.message }, "cannot fetch the OAuth issuer's JWKS");
        return this.unavailable("The server cannot verify tokens right now: its authorization server's keys are unreachable. Try again shortly.");
      }
      const why =
        error instanceof joseErrors.JWTExpired
          ? "The token has expired."
          : error instanceof joseErrors.JWTClaimValidationFailed
            ? `The token's "${error.claim}" claim is not accepted by this server.`
            : "The token is not a valid JWT signed by this server's authorization server.";
      this.logger.info({ reason: error instanceof Error ? error.name : "unknown" }, "rejected an OAuth token");
      return this.reject(req, 401, "invalid_token", why);
    }
    const scopes = scopesOf(payload);
    const missing = oauth.requiredScopes.filter((s) => !scopes.includes(s));
    if (missing.length) return this.reject(req, 403, "insufficient_scope", `The token lacks the scope(s) ${missing.join(" ")}.`);
    const subject = typeof payload.sub === "string" ? payload.sub : typeof payload.client_id === "string" ? payload.client_id : typeof payload.azp === "string" ? payload.azp : "unknown";
    const clientId = typeof payload.client_id === "string" ? payload.client_id : typeof payload.azp === "string" ? payload.azp : subject;
    const authInfo: AuthInfo = { token: "", clientId, scopes, ...(payload.exp !== undefined ? { expiresAt: payload.exp } : {}), extra: { subject } };
    return { ok: true, identity: { id: `oauth:${subject}`, kind: "oauth", authInfo } };
  }

  private unavailable(description: string): AuthOutcome {
    return { ok: false, rejection: { status: 503, headers: { "retry-after": "5" }, body: { error: "temporarily_unavailable", error_description: description } } };
  }

  private reject(req: IncomingMessage, status: 401 | 403, code: string | undefined, description: string): AuthOutcome {
    const parts: string[] = [];
    if (code) parts.push(`error="${code}"`, `error_description="${description.replace(/"/g, "'")}"`);
    if (this.oauth) {
      if (this.oauth.requiredScopes.length) parts.push(`scope="${this.oauth.requiredScopes.join(" ")}"`);
      parts.push(`resource_metadata="${this.metadataUrl(req)}"`);
    } else parts.push('realm="zoom-mcp"');
    return { ok: false, rejection: { status, headers: { "www-authenticate": `Bearer ${parts.join(", ")}` }, body: { error: code ?? "invalid_token", error_description: description } } };
  }
}

/** Builds the authenticator from the config; reads the token file once. Throws AuthConfigError. */
export function createHttpAuth(config: Config, logger: Logger, fetchImpl?: typeof fetch): HttpAuth {
  const entries: TokenEntry[] = [];
  if (config.authTokens) entries.push(...parseTokenEntries(config.authTokens, envName("authTokens")));
  if (config.authTokensFile) {
    let text: string;
    try {
      text = readFileSync(config.authTokensFile, "utf8");
    } catch (error) {
      throw new AuthConfigError(`${envName("authTokensFile")}: cannot read ${config.authTokensFile} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
    }
    const mode = statSync(config.authTokensFile).mode;
    if (mode & 0o044) logger.warn({ file: config.authTokensFile }, "the token file is readable by other users; chmod 600 it");
    const fromFile = parseTokenEntries(text, config.authTokensFile);
    if (!fromFile.length) throw new AuthConfigError(`${envName("authTokensFile")}: ${config.authTokensFile} holds no token.`);
    for (const entry of fromFile) {
      if (entries.some((e) => e.hash.equals(entry.hash))) throw new AuthConfigError(`${config.authTokensFile}: a token there is also in ${envName("authTokens")}.`);
      entries.push(entry);
    }
  }
  const names = new Set<string>();
  for (const entry of entries) {
    if (names.has(entry.name)) throw new AuthConfigError(`two tokens share the name ${JSON.stringify(entry.name)}; give each its own name=LABEL.`);
    names.add(entry.name);
  }
  const oauth: OAuthSettings | undefined = config.oauthIssuer
    ? {
        issuer: config.oauthIssuer,
        audience: config.oauthAudience!,
        ...(config.oauthJwksUrl ? { jwksUrl: config.oauthJwksUrl } : {}),
        requiredScopes: config.oauthScopes,
        ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
        ...(fetchImpl ? { fetch: fetchImpl } : {}),
      }
    : undefined;
  return new HttpAuth(entries, oauth, logger);
}
