/** The real HTTP transport in process, wired from a config as the CLI does, against a fake Zoom. */
import { Writable } from "node:stream";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { createApp, type App, type AppOverrides } from "../../src/app.js";
import { parseConfig, type ConfigInput } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { httpOptionsFromConfig, serveHttp, type HttpOptions, type RunningHttpServer } from "../../src/transports/http.js";
import { catalog } from "./catalog.js";
import type { FakeZoom } from "./fake-zoom.js";
import { SECRET } from "./harness.js";

export const ACCEPT = "application/json, text/event-stream";
export const INITIALIZE = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } };

export interface InProcessHttp {
  readonly http: RunningHttpServer;
  readonly app: App;
  readonly url: string;
  readonly logs: string[];
  connect(headers?: Record<string, string>): Promise<Client>;
  stop(): Promise<void>;
}

export async function startHttp(
  fake: FakeZoom | undefined,
  config: ConfigInput = {},
  overrides: Partial<HttpOptions> = {},
  appOverrides: AppOverrides = {},
): Promise<InProcessHttp> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString("utf8"));
      done();
    },
  });
  const logger = createLogger("debug", sink);
  const zoom: ConfigInput = fake ? { apiBaseUrl: fake.apiBase, oauthTokenUrl: fake.tokenUrl, accountId: "acct-1", clientId: "client-1", clientSecret: SECRET } : { sandbox: "1" };
  const cfg = parseConfig({ transport: "http", port: "0", logLevel: "debug", ...zoom, ...config });
  const app = await createApp(cfg, catalog, logger, appOverrides);
  const http = await serveHttp({ ...httpOptionsFromConfig(cfg, app, logger), ...overrides });
  const clients: Client[] = [];
  return {
    http,
    app,
    url: http.url,
    logs,
    connect: async (headers = {}) => {
      const client = new Client({ name: "http-test", version: "1.0.0" });
      await client.connect(new StreamableHTTPClientTransport(new URL(http.url), { requestInit: { headers } }));
      clients.push(client);
      return client;
    },
    stop: async () => {
      await Promise.allSettled(clients.map((c) => c.close()));
      await http.close();
    },
  };
}

/** A raw POST; the answer's JSON-RPC message is read from JSON or from the SSE stream. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; message: any; text: string }> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", accept: ACCEPT, ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
  const text = await res.text();
  let message: any;
  if ((res.headers.get("content-type") ?? "").includes("text/event-stream")) {
    for (const line of text.split("\n")) if (line.startsWith("data: ")) message = JSON.parse(line.slice(6));
  } else if (text) {
    try {
      message = JSON.parse(text);
    } catch {
      message = undefined;
    }
  }
  return { status: res.status, headers: res.headers, message, text };
}

export function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
}

export const TOKEN_A = "alice-token-0123456789abcdef";
export const TOKEN_B = "bob-token-0123456789abcdef00";
