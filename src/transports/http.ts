/**
 * Streamable HTTP at /mcp, plus GET /healthz. One MCP session per `mcp-session-id`. Binds to
 * loopback by default, refuses non-local Host and Origin headers (DNS rebinding) and caps bodies.
 */
import { randomUUID } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import type { Logger } from "../logger.js";
import { VERSION } from "../version.js";

export interface HttpOptions {
  readonly host: string;
  readonly port: number;
  readonly maxBodyBytes: number;
  /** Builds a fresh MCP server for each new session. */
  readonly newServer: () => Server;
  readonly logger: Logger;
}

export interface RunningHttpServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);
/** Sessions kept at once; starting one more closes the least recently used. */
const MAX_SESSIONS = 100;
/** A session unused this long is closed when a new one starts. */
const SESSION_IDLE_MS = 60 * 60 * 1000;

/** Host names this server answers to: loopback names, plus the bind address when it is a specific one. */
function allowedHosts(bindHost: string): Set<string> {
  const hosts = new Set(LOCAL_HOSTS);
  if (bindHost !== "0.0.0.0" && bindHost !== "::") hosts.add(bindHost.toLowerCase());
  return hosts;
}

function hostnameOf(hostHeader: string): string {
  if (hostHeader.startsWith("[")) return hostHeader.slice(0, hostHeader.indexOf("]") + 1).toLowerCase();
  return hostHeader.split(":")[0]!.toLowerCase();
}

export async function serveHttp(options: HttpOptions): Promise<RunningHttpServer> {
  const { logger } = options;
  const hosts = allowedHosts(options.host);
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; server: Server; lastSeen: number }>();
  const prune = () => {
    const now = Date.now();
    const byAge = [...sessions.entries()].sort((a, b) => a[1].lastSeen - b[1].lastSeen);
    for (const [id, session] of byAge) {
      if (sessions.size < MAX_SESSIONS && now - session.lastSeen < SESSION_IDLE_MS) break;
      sessions.delete(id);
      void session.server.close();
      logger.debug({ session: id }, "closed an idle session");
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const host = req.headers.host;
    if (!host || !hosts.has(hostnameOf(host))) return send(res, 403, { error: "Forbidden: Host header is not a local address." });
    const origin = req.headers.origin;
    if (origin && !isLocalOrigin(origin, hosts)) return send(res, 403, { error: "Forbidden: Origin is not local." });

    if (url.pathname === "/healthz") {
      if (req.method !== "GET") return send(res, 405, { error: "Use GET." });
      return send(res, 200, { status: "ok", name: "zoom-mcp", version: VERSION, sessions: sessions.size });
    }
    if (url.pathname !== "/mcp") return send(res, 404, { error: "Not found. The MCP endpoint is /mcp." });

    let body: unknown;
    if (req.method === "POST") {
      const read = await readBody(req, options.maxBodyBytes);
      if (read.tooLarge) return send(res, 413, rpcError(`Request body exceeds ${options.maxBodyBytes} bytes.`));
      try {
        body = JSON.parse(read.text);
      } catch {
        return send(res, 400, rpcError("Request body is not valid JSON.", -32700));
      }
    }

    const sessionId = req.headers["mcp-session-id"];
    const existing = typeof sessionId === "string" ? sessions.get(sessionId) : undefined;
    if (existing) {
      existing.lastSeen = Date.now();
      return existing.transport.handleRequest(req, res, body);
    }
    if (typeof sessionId === "string") return send(res, 404, rpcError("Unknown or expired session. Start a new one with initialize."));
    if (req.method !== "POST" || !isInitializeRequest(body)) {
      return send(res, 400, rpcError("No session: the first request must be an initialize POST without mcp-session-id."));
    }

    prune();
    const server = options.newServer();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server, lastSeen: Date.now() });
        logger.debug({ session: id }, "session started");
      },
      onsessionclosed: (id) => {
        sessions.delete(id);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
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
  const port = (http.address() as AddressInfo).port;
  const shownHost = options.host.includes(":") ? `[${options.host}]` : options.host;
  const url = `http://${shownHost}:${port}/mcp`;
  logger.info({ url }, "serving MCP over Streamable HTTP");

  return {
    url,
    port,
    close: async () => {
      await Promise.allSettled([...sessions.values()].map(({ server }) => server.close()));
      sessions.clear();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function isLocalOrigin(origin: string, hosts: Set<string>): boolean {
  try {
    const { protocol, hostname } = new URL(origin);
    const name = hostname.includes(":") && !hostname.startsWith("[") ? `[${hostname}]` : hostname;
    return (protocol === "http:" || protocol === "https:") && hosts.has(name.toLowerCase());
  } catch {
    return false;
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<{ text: string; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      return resolve({ text: "", tooLarge: true });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        resolve({ text: "", tooLarge: true });
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve({ text: Buffer.concat(chunks).toString("utf8"), tooLarge: false }));
    req.on("error", reject);
  });
}

function rpcError(message: string, code = -32600) {
  return { jsonrpc: "2.0", error: { code, message }, id: null };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
