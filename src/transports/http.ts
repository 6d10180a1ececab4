/**
 * Streamable HTTP at /mcp, plus GET /healthz and (OAuth mode) the protected-resource metadata.
 *
 * Order of checks for every request: Host and Origin (DNS rebinding), then authentication, then the
 * per-request tool limits, then the body. Stateful mode keeps one MCP session per `mcp-session-id`
 * (see sessions.ts); stateless mode (--stateless) serves every POST with a fresh server and no
 * session, so replicas need no sticky sessions. On shutdown it stops taking new sessions and calls,
 * lets running calls finish up to the drain timeout, and answers the rest (calls.ts).
 */
import { randomUUID } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import type { App } from "../app.js";
import { envName, type Config } from "../config.js";
import type { Logger } from "../logger.js";
import { VERSION } from "../version.js";
import { CallTracker } from "./calls.js";
import { createHttpAuth, protectedResourceMetadata, type HttpAuth, type Identity } from "./http-auth.js";
import { limitsFromHeaders, NarrowingError, type Limits } from "./narrowing.js";
import { SessionStore, type Session } from "./sessions.js";

export interface HttpOptions {
  readonly host: string;
  readonly port: number;
  readonly maxBodyBytes: number;
  /** Builds a fresh MCP server for a session (or, stateless, for one request), narrowed by `limits`. */
  readonly newServer: (limits?: readonly Limits[]) => Server;
  /** Throws NarrowingError when a limit names unknown toolsets or tools. */
  readonly checkLimits?: (limits: Limits, source: string) => void;
  readonly logger: Logger;
  /** Who may call /mcp. Unset: anyone who passes the Host and Origin checks. */
  readonly auth?: HttpAuth;
  /** Serve a non-loopback address without authentication (with a warning). */
  readonly allowUnauthenticated?: boolean;
  /** Browser Origins accepted (exact origins, or "*"). Replaces the default: localhost names on this server's port. */
  readonly allowedOrigins?: readonly string[];
  /** Host header names accepted (name or name:port, or "*"). Replaces the default: loopback names and the bind address. */
  readonly allowedHosts?: readonly string[];
  /** No sessions: every POST is served on its own. */
  readonly stateless?: boolean;
  /** @default 15 min */
  readonly sessionIdleMs?: number;
  /** @default 1000 */
  readonly maxSessions?: number;
  /** @default 100 */
  readonly maxSessionsPerClient?: number;
  /** The tool calls of every session, for draining on shutdown. */
  readonly calls?: CallTracker;
  /** @default 10 s */
  readonly drainTimeoutMs?: number;
  /** After a refused request (413, 401...), how long its unread body may keep draining before the connection is closed. @default 5 s */
  readonly bodyDrainMs?: number;
  /** Extra fields for GET /healthz (e.g. the state of a shared token store). */
  readonly health?: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** @default Date.now */
  readonly now?: () => number;
}

export interface RunningHttpServer {
  readonly url: string;
  readonly port: number;
  /** Sessions open now (0 in stateless mode). */
  readonly sessionCount: number;
  /** Graceful stop: no new sessions or calls, running calls drain, the rest are answered, then the server closes. */
  shutdown(reason?: string): Promise<{ finished: number; stopped: number }>;
  /** Immediate stop. */
  close(): Promise<void>;
}

/** Startup refusals: the message says how to fix the setup. */
export class HttpSetupError extends Error {
  override name = "HttpSetupError";
}

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

function hostnameOf(hostHeader: string): string {
  if (hostHeader.startsWith("[")) return hostHeader.slice(0, hostHeader.indexOf("]") + 1).toLowerCase();
  return hostHeader.split(":")[0]!.toLowerCase();
}

function bracketed(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/** Everything serveHttp needs, from the config and the app. Throws AuthConfigError or NarrowingError on a bad setup. */
export function httpOptionsFromConfig(config: Config, app: App, logger: Logger): HttpOptions {
  const auth = createHttpAuth(config, logger);
  for (const { name, limits } of auth.tokenLimits) app.checkLimits(limits, `token ${JSON.stringify(name)}`);
  return {
    host: config.host,
    port: config.port,
    maxBodyBytes: config.maxBodyBytes,
    newServer: app.newServer,
    checkLimits: app.checkLimits,
    logger,
    auth,
    allowUnauthenticated: config.allowUnauthenticated,
    ...(config.allowedOrigins.length ? { allowedOrigins: config.allowedOrigins } : {}),
    ...(config.allowedHosts.length ? { allowedHosts: config.allowedHosts } : {}),
    stateless: config.stateless,
    sessionIdleMs: config.sessionIdleMs,
    maxSessions: config.maxSessions,
    maxSessionsPerClient: config.maxSessionsPerClient,
    calls: app.calls,
    drainTimeoutMs: config.drainTimeoutMs,
    health: app.health,
  };
}

function originMatcher(options: HttpOptions, port: () => number): (origin: string) => boolean {
  if (options.allowedOrigins) {
    if (options.allowedOrigins.includes("*")) return () => true;
    const allowed = new Set(
      options.allowedOrigins.map((o) => {
        try {
          return new URL(o).origin.toLowerCase();
        } catch {
          throw new HttpSetupError(`--allowed-origins: ${JSON.stringify(o)} is not an origin; write it as scheme://host[:port], e.g. https://app.example.com`);
        }
      }),
    );
    return (origin) => allowed.has(origin.toLowerCase());
  }
  return (origin) => {
    try {
      const url = new URL(origin);
      const names = new Set([...LOOPBACK_NAMES, ...(isLoopback(options.host) ? [bracketed(options.host.toLowerCase())] : [])]);
      const originPort = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
      return (url.protocol === "http:" || url.protocol === "https:") && names.has(url.hostname.toLowerCase()) && originPort === port();
    } catch {
      return false;
    }
  };
}

function hostMatcher(options: HttpOptions): (host: string) => boolean {
  if (options.allowedHosts) {
    if (options.allowedHosts.includes("*")) return () => true;
    const allowed = new Set(options.allowedHosts.map((h) => h.trim().toLowerCase()));
    return (host) => allowed.has(host.toLowerCase()) || allowed.has(hostnameOf(host));
  }
  const names = new Set(LOOPBACK_NAMES);
  if (options.host !== "0.0.0.0" && options.host !== "::") names.add(bracketed(options.host.toLowerCase()));
  return (host) => names.has(hostnameOf(host));
}

function hasRequest(body: unknown): boolean {
  const isRequest = (m: unknown) => !!m && typeof m === "object" && "method" in m && "id" in m;
  return Array.isArray(body) ? body.some(isRequest) : isRequest(body);
}

export async function serveHttp(options: HttpOptions): Promise<RunningHttpServer> {
  const { logger } = options;
  const now = options.now ?? Date.now;
  const calls = options.calls ?? new CallTracker();
  const auth = options.auth;
  const authenticated = !!auth?.enabled;
  if (!isLoopback(options.host) && !authenticated) {
    if (!options.allowUnauthenticated) {
      throw new HttpSetupError(
        `refusing to serve ${options.host} without authentication: anyone who can reach it could use the Zoom account. ` +
          `Set ${envName("authTokens")} (e.g. ${envName("authTokens")}=$(openssl rand -hex 32)) or ${envName("oauthIssuer")} and ${envName("oauthAudience")}, ` +
          "bind to 127.0.0.1, or pass --allow-unauthenticated if something in front of this server authenticates every request.",
      );
    }
    logger.warn({ host: options.host }, "serving a non-loopback address WITHOUT authentication (--allow-unauthenticated): anyone who can reach it can use the Zoom account");
  }

  let boundPort = options.port;
  const hostAllowed = hostMatcher(options);
  const originAllowed = originMatcher(options, () => boundPort);
  const bodyDrainMs = options.bodyDrainMs ?? 5000;
  let draining = false;
  let openPosts = 0;
  const postsDone: Array<() => void> = [];
  const trackPost = (res: ServerResponse, session?: Session) => {
    openPosts++;
    if (session) session.inFlight++;
    res.once("close", () => {
      openPosts--;
      if (session) {
        session.inFlight--;
        session.lastSeen = now();
      }
      if (openPosts === 0) for (const wake of postsDone.splice(0)) wake();
    });
  };

  const store = new SessionStore(
    {
      maxSessions: options.maxSessions ?? 1000,
      maxPerIdentity: options.maxSessionsPerClient ?? 100,
      idleMs: options.sessionIdleMs ?? 15 * 60 * 1000,
      now,
    },
    (session, reason) => {
      logger.debug({ session: session.id, identity: session.identity, reason }, "closed a session");
      void session.server.close().catch(() => undefined);
    },
  );
  const sweeper = options.stateless ? undefined : setInterval(() => store.sweep(), Math.min(60_000, Math.max(1000, (options.sessionIdleMs ?? 900_000) / 4)));
  sweeper?.unref();

  /** Answers a request whose body may be unread: the body is discarded for a while, then the connection closed. */
  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const unread = !req.complete;
    // While draining, every refusal also closes its connection, so keep-alive clients move elsewhere.
    res.writeHead(status, { "content-type": "application/json", ...(unread || draining ? { connection: "close" } : {}), ...headers }).end(JSON.stringify(body));
    if (unread) {
      let discarded = 0;
      const timer = setTimeout(() => req.socket.destroy(), bodyDrainMs);
      timer.unref();
      req.on("data", (chunk: Buffer) => {
        discarded += chunk.length;
        if (discarded > 16 * 1024 * 1024) req.socket.destroy();
      });
      req.once("end", () => clearTimeout(timer));
      req.once("close", () => clearTimeout(timer));
      req.resume();
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const host = req.headers.host;
    if (!host || !hostAllowed(host)) return refuse(req, res, 403, { error: "Forbidden: the Host header is not one this server answers to (see --allowed-hosts)." });
    const origin = req.headers.origin;
    if (origin && !originAllowed(origin)) return refuse(req, res, 403, { error: "Forbidden: this Origin may not call the server (see --allowed-origins)." });

    if (url.pathname === "/healthz") {
      if (req.method !== "GET") return refuse(req, res, 405, { error: "Use GET." });
      const extra = options.health ? await options.health() : {};
      return send(res, draining ? 503 : 200, {
        status: draining ? "draining" : "ok",
        name: "zoom-mcp",
        version: VERSION,
        mode: options.stateless ? "stateless" : "stateful",
        sessions: store.size,
        inFlightCalls: calls.size,
        ...extra,
      });
    }
    if (url.pathname === "/.well-known/oauth-protected-resource" || url.pathname === "/.well-known/oauth-protected-resource/mcp") {
      if (!auth?.oauth) return refuse(req, res, 404, { error: "Not found: this server is not in OAuth mode." });
      if (req.method !== "GET") return refuse(req, res, 405, { error: "Use GET." });
      res.writeHead(200, { "content-type": "application/json", "access-control-allow-origin": "*", "cache-control": "max-age=300" });
      return void res.end(JSON.stringify(protectedResourceMetadata(auth.oauth, auth.resourceUrl(req))));
    }
    if (url.pathname !== "/mcp") return refuse(req, res, 404, { error: "Not found. The MCP endpoint is /mcp." });

    if (draining && req.method !== "DELETE") {
      return refuse(req, res, 503, rpcError("zoom-mcp is shutting down and takes no new requests; nothing was sent to Zoom. Retry on another instance or after the restart."), { "retry-after": "5" });
    }

    let identity: Identity = { id: "anonymous", kind: "anonymous" };
    if (auth) {
      const outcome = await auth.authenticate(req);
      if (!outcome.ok) return refuse(req, res, outcome.rejection.status, outcome.rejection.body, outcome.rejection.headers);
      identity = outcome.identity;
    }

    const limits: Limits[] = [];
    if (identity.limits) limits.push(identity.limits);
    try {
      const fromHeaders = limitsFromHeaders(req.headers);
      if (fromHeaders) {
        options.checkLimits?.(fromHeaders, "X-MCP-* headers");
        limits.push(fromHeaders);
      }
    } catch (error) {
      if (error instanceof NarrowingError) return refuse(req, res, 400, rpcError(error.message));
      throw error;
    }

    let body: unknown;
    if (req.method === "POST") {
      const read = await readBody(req, options.maxBodyBytes);
      if (read.tooLarge) return refuse(req, res, 413, rpcError(`Request body exceeds ${options.maxBodyBytes} bytes (${envName("maxBodyBytes")}).`));
      try {
        body = JSON.parse(read.text);
      } catch {
        return send(res, 400, rpcError("Request body is not valid JSON.", -32700));
      }
    }
    const withAuth = req as IncomingMessage & { auth?: AuthInfo };
    if (identity.authInfo) withAuth.auth = identity.authInfo;

    if (options.stateless) {
      if (req.method !== "POST") {
        res.writeHead(405, { "content-type": "application/json", allow: "POST" });
        return void res.end(JSON.stringify(rpcError("This server is stateless (--stateless): only POST /mcp is served; there are no sessions to stream from or delete.")));
      }
      const server = options.newServer(limits);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      if (hasRequest(body)) trackPost(res);
      res.once("close", () => {
        void server.close().catch(() => undefined);
      });
      await server.connect(transport);
      return transport.handleRequest(withAuth, res, body);
    }

    const sessionId = req.headers["mcp-session-id"];
    if (typeof sessionId === "string") {
      const session = store.get(sessionId, identity.id);
      if (!session) return send(res, 404, rpcError("Unknown or expired session. Start a new one with initialize."));
      if (req.method === "POST" && hasRequest(body)) trackPost(res, session);
      return session.transport.handleRequest(withAuth, res, body);
    }
    if (req.method !== "POST" || !isInitializeRequest(body)) {
      return send(res, 400, rpcError("No session: the first request must be an initialize POST without mcp-session-id."));
    }

    const room = store.reserve(identity.id);
    if (!room.ok) return send(res, room.status, rpcError(room.message), { "retry-after": "5" });
    const server = options.newServer(limits);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        store.add({ id, identity: identity.id, server, transport, lastSeen: now(), inFlight: 0 });
        logger.debug({ session: id, identity: identity.id }, "session started");
      },
      onsessionclosed: (id) => {
        store.remove(id);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) store.remove(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(withAuth, res, body);
  };

  const http: HttpServer = createHttpServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error({ err: error instanceof Error ? error.message : String(error) }, "HTTP request failed");
      if (!res.headersSent) send(res, 500, rpcError("Internal server error."));
      else res.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port, options.host, () => resolve());
  });
  boundPort = (http.address() as AddressInfo).port;
  const url = `http://${bracketed(options.host)}:${boundPort}/mcp`;
  logger.info({ url, auth: authenticated ? [auth!.oauth ? "oauth" : "", auth!.tokenCount ? "tokens" : ""].filter(Boolean).join("+") : "none", mode: options.stateless ? "stateless" : "stateful" }, "serving MCP over Streamable HTTP");

  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      if (sweeper) clearInterval(sweeper);
      await Promise.allSettled([...store.values()].map((s) => s.server.close()));
      for (const s of [...store.values()]) store.remove(s.id);
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    })());

  return {
    url,
    port: boundPort,
    get sessionCount() {
      return store.size;
    },
    shutdown: async (reason = "shutdown") => {
      draining = true;
      const inFlight = calls.size;
      logger.info({ reason, inFlightCalls: inFlight, drainTimeoutMs: options.drainTimeoutMs ?? 10_000 }, "draining: no new sessions or calls");
      const result = await calls.drain(options.drainTimeoutMs ?? 10_000);
      // Let the answers of finished and stopped calls reach their clients before the sockets close.
      if (openPosts > 0) {
        await Promise.race([new Promise<void>((resolve) => postsDone.push(resolve)), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      }
      if (result.stopped) logger.warn({ stopped: result.stopped, finished: result.finished }, "stopped calls that did not finish within the drain timeout");
      await close();
      return result;
    },
    close,
  };
}

function readBody(req: IncomingMessage, limit: number): Promise<{ text: string; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) return resolve({ text: "", tooLarge: true });
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        req.off("end", onEnd);
        chunks.length = 0;
        resolve({ text: "", tooLarge: true });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => resolve({ text: Buffer.concat(chunks).toString("utf8"), tooLarge: false });
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", reject);
  });
}

function rpcError(message: string, code = -32600) {
  return { jsonrpc: "2.0", error: { code, message }, id: null };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}
