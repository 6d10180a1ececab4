/** A real MCP Client connected in memory to the real server, which talks to a fake Zoom on 127.0.0.1. */
import { Writable } from "node:stream";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { createApp, type App } from "../../src/app.js";
import { parseConfig, type ConfigInput } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import type { Catalog } from "../../src/catalog/load.js";
import { catalog } from "./catalog.js";
import { FakeZoom, type FakeZoomOptions } from "./fake-zoom.js";

export const SECRET = "s3cr3t-client-secret-value";

export interface Harness {
  readonly client: Client;
  readonly fake: FakeZoom;
  readonly app: App;
  /** Every log line the server wrote, as text. */
  readonly logs: string[];
  /** Waits the HTTP core asked for, in ms (no real time passes). */
  readonly waits: number[];
  /** The fake clock the sandbox reads (ms since epoch); waits advance it. */
  readonly clock: { now: number };
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly config?: ConfigInput;
  readonly fake?: FakeZoom;
  readonly fakeOptions?: FakeZoomOptions;
  /** Use S2S credentials (default) or none at all. */
  readonly credentials?: "s2s" | "none" | "static";
  /** Serve from the in-process sandbox; its clock advances only when the HTTP core waits. */
  readonly sandbox?: boolean;
  /** Real clock and real sleeps (for tests against a real limiter); `waits` stays empty. */
  readonly realTime?: boolean;
  /** Serve this catalog instead of the one on disk (e.g. with tools the catalog does not have yet). */
  readonly catalog?: Catalog;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const fake = options.fake ?? (await new FakeZoom(options.fakeOptions).start());
  const creds: ConfigInput =
    options.credentials === "none"
      ? {}
      : options.credentials === "static"
        ? { accessToken: "static-token-value" }
        : { accountId: "acct-1", clientId: "client-1", clientSecret: SECRET };
  // An empty string in options.config unsets that key (e.g. apiBaseUrl: "" to use the token's api_url).
  const merged = { apiBaseUrl: fake.apiBase, oauthTokenUrl: fake.tokenUrl, logLevel: "debug", toolsets: "all", ...creds, ...options.config };
  const config = parseConfig(Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== "")));
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString("utf8"));
      done();
    },
  });
  const waits: number[] = [];
  const clock = { now: Date.parse("2026-03-02T10:00:00.250Z") };
  const app = await createApp(
    options.sandbox ? parseConfig({ ...Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== "")), sandbox: "1" }) : config,
    options.catalog ?? catalog,
    createLogger("debug", sink),
    options.realTime
      ? {}
      : {
          sleep: async (ms, signal) => {
            waits.push(ms);
            clock.now += ms;
            if (signal?.aborted) throw signal.reason;
          },
          now: () => clock.now,
        },
  );
  const server = app.newServer();
  const client = new Client({ name: "test-client", version: "1.0.0" });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  return {
    client,
    fake,
    app,
    logs,
    waits,
    clock,
    call: (name, args = {}) => client.callTool({ name, arguments: args }) as Promise<CallToolResult>,
    close: async () => {
      await client.close();
      await server.close();
      await app.close();
      if (!options.fake) await fake.stop();
    },
  };
}

/** The text of a tool result. */
export function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
}

/** Calls the tool that serves `endpoint` (`METHOD /path`, e.g. `GET /groups/{groupId}/members`) among the served tools. */
export async function callEndpoint(h: Harness, endpoint: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  const tool = h.app.tools.find((t) => `${t.method} ${t.path}` === endpoint);
  if (!tool) throw new Error(`no tool serves ${endpoint}`);
  return h.call(tool.name, args);
}
