/** Wiring: from a validated Config to the pieces a transport serves. No transport or process handling here. */
import { createTokenProvider } from "./auth/index.js";
import { StaticTokenProvider } from "./auth/static-token.js";
import { credentialMode, DEFAULT_API_BASE_URL, sourceOf, type Config } from "./config.js";
import { nodeCrypto } from "./crypto.js";
import { abortableSleep, ZoomClient } from "./http/client.js";
import { Governor } from "./http/governor.js";
import { FlexibleDailyStore, MemoryWindowStore, RedisWindowStore } from "./http/governor-store.js";
import { defaultRetryPolicy } from "./http/policy.js";
import type { Logger } from "./logger.js";
import type { RedisLink } from "./redis.js";
import { createServer, instructionsFor, type ServerDeps } from "./server.js";
import type { Catalog } from "./catalog/load.js";
import type { Sandbox } from "./sandbox/index.js";
import type { ToolSpec } from "./tools/define.js";
import type { MetaTool } from "./tools/discovery.js";
import { ScopeGate } from "./tools/scopes.js";
import { DISCOVERY_TOOLS, extendedAccess, selectTools, type Served } from "./tools/select.js";
import type { FileAccess } from "./tools/files.js";
import type { AccessToken, TokenNotices, TokenProvider } from "./auth/index.js";
import { CallTracker } from "./transports/calls.js";
import { limitsKey, narrow, validateLimits, type Limits } from "./transports/narrowing.js";

export interface AppOverrides {
  /** Replaces global fetch for Zoom and OAuth calls (tests, the sandbox). */
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The clock of the sandbox (rate-limit windows) and of the HTTP core (reset times). @default Date.now */
  readonly now?: () => number;
}

export interface App {
  readonly tools: ToolSpec[];
  readonly meta: MetaTool[];
  readonly deps: ServerDeps;
  /** The simulated Zoom, in sandbox mode. */
  readonly sandbox?: Sandbox;
  /** Every running tool call, for draining on shutdown. */
  readonly calls: CallTracker;
  /** A server for one session; `limits` (a token's, a request's headers) can only narrow what the config serves. */
  newServer(limits?: readonly Limits[]): ReturnType<typeof createServer>;
  /** Throws NarrowingError when a limit names unknown toolsets or tools. */
  checkLimits(limits: Limits, source: string): void;
  /** Paces calls to Zoom's limits; absent in sandbox mode. */
  readonly governor?: Governor;
  /** The shared Redis, when a Redis URL is configured. */
  readonly redis?: RedisLink;
  /** What /healthz adds: the governor's budgets and the Redis state. */
  health(): Record<string, unknown>;
  /** Closes the Redis connection, if any. */
  close(): Promise<void>;
}

/** Where file_path may read: over HTTP only from --upload-dir; over stdio from it or the working directory. */
export function fileAccessFor(config: Config): FileAccess {
  if (config.uploadDir) return { root: config.uploadDir };
  if (config.transport === "http") return { disabledReason: `this HTTP server reads no local files unless its operator sets ${sourceOf("uploadDir")}` };
  return { root: process.cwd() };
}

/** Tells the user of the current call when a new Zoom token was obtained (never the token). */
class NoticingTokenProvider implements TokenProvider {
  private last: string | undefined;
  constructor(
    private readonly inner: TokenProvider,
    private readonly what: string,
    private readonly gate?: ScopeGate,
  ) {}
  async getToken(signal?: AbortSignal, call?: TokenNotices): Promise<AccessToken> {
    return this.seen(await this.inner.getToken(signal, call), call);
  }
  peek(call?: TokenNotices): AccessToken | undefined {
    const token = this.inner.peek?.(call);
    return token && this.seen(token, call);
  }
  private seen(token: AccessToken, call: TokenNotices | undefined): AccessToken {
    if (token.scopes) this.gate?.learn(token.scopes);
    if (token.accessToken !== this.last) {
      if (this.last !== undefined) call?.notice("info", `Obtained a fresh Zoom access token (${this.what}).`);
      else call?.notice("debug", `Obtained a Zoom access token (${this.what}).`);
      this.last = token.accessToken;
    }
    return token;
  }
  invalidate(token: string): boolean {
    return this.inner.invalidate(token);
  }
  get refreshable(): boolean {
    return this.inner.refreshable;
  }
}

/**
 * The served tools, discovery and HTTP core for a configuration, over the given catalog. The
 * sandbox is imported only in sandbox mode (and discovery only when served), which is why this is async.
 */
export async function createApp(config: Config, catalog: Catalog, logger: Logger, overrides: AppOverrides = {}): Promise<App> {
  const extendedSource = () => ({ tools: catalog.extended, toolsets: catalog.extendedToolsets });
  const served = selectTools(catalog.tools, config, extendedAccess(catalog));
  // Tools the token's granted scopes cannot call are hidden once a Server-to-Server token tells them.
  const gate = new ScopeGate(config.showAllTools);
  // Discovery (and its search library) is imported only when a discovery tool is served; narrowing
  // a session's tools can only take tools away, so no session needs it otherwise.
  const discovery = served.discovery.length ? await import("./tools/discovery.js") : undefined;
  // The discovery tools for what a configuration (or a narrowed session) serves. `callable` is a getter: the
  // extended set's index is read when discovery is first used, not at start.
  const metaFor = (s: Served, readOnly: boolean): MetaTool[] =>
    discovery
      ? discovery
          .discoveryTools({
            get callable() {
              return s.callable;
            },
            served: new Set(s.tools.map((t) => t.name)),
            readOnly,
            gate,
          })
          .filter((m) => s.discovery.includes(m.name))
      : [];
  const meta = metaFor(served, config.readOnly);
  // In sandbox mode the simulated Zoom is the HTTP core's fetch: no credentials, nothing leaves the process.
  const sandboxModule = config.sandbox ? await import("./sandbox/index.js") : undefined;
  const sandbox = sandboxModule
    ? new sandboxModule.Sandbox({
        catalog,
        seed: config.sandboxSeed,
        ...(config.sandboxState ? { statePath: config.sandboxState } : {}),
        ...(config.sandboxRateLimits ? { rateLimits: config.sandboxRateLimits } : {}),
        ...(overrides.now ? { now: overrides.now } : {}),
        logger,
      })
    : undefined;
  const fetchImpl = sandbox?.fetch ?? overrides.fetch;
  // ioredis loads only when Redis is configured.
  const redis = config.redisUrl && !sandbox ? new (await import("./redis.js")).RedisLink({ url: config.redisUrl, logger }) : undefined;
  // Zoom's limits are per account: replicas of one account share keys, other accounts never do.
  const account = config.accountId ?? `token:${nodeCrypto().createHash("sha256").update(config.accessToken ?? "").digest("hex")}`;
  // The governor paces calls to the real Zoom's limits. The sandbox simulates Zoom in process, with limits only when asked
  // (--sandbox-rate-limits), and those are there to show the HTTP core's own 429 handling, so it runs ungoverned.
  const governor = sandbox
    ? undefined
    : new Governor({
        plan: config.plan,
        overrides: Object.fromEntries(
          (
            [
              ["Light", config.rateLimitLight],
              ["Medium", config.rateLimitMedium],
              ["Heavy", config.rateLimitHeavy],
              ["Resource-intensive", config.rateLimitResourceIntensive],
            ] as const
          ).filter(([, v]) => v !== undefined),
        ),
        windows: redis ? new RedisWindowStore(redis, (key) => redis.key(account, key)) : new MemoryWindowStore(),
        daily: new FlexibleDailyStore(redis, redis ? redis.key(account) : "zoom-mcp"),
        logger,
        now: overrides.now ?? Date.now,
        sleep: overrides.sleep ?? abortableSleep,
      });
  const auth: TokenProvider = sandboxModule
    ? new StaticTokenProvider(sandboxModule.SANDBOX_TOKEN)
    : new NoticingTokenProvider(createTokenProvider(config, logger, fetchImpl, redis, overrides.now), "Server-to-Server OAuth", gate);
  const client = new ZoomClient({
    ...(governor ? { governor } : {}),
    auth,
    ...(sandboxModule ? { apiBaseUrl: sandboxModule.SANDBOX_API_BASE_URL } : config.apiBaseUrl ? { apiBaseUrl: config.apiBaseUrl } : {}),
    defaultApiBaseUrl: DEFAULT_API_BASE_URL,
    timeoutMs: config.timeoutMs,
    callTimeoutMs: config.callTimeoutMs,
    maxResponseBytes: config.maxResponseBytes,
    retry: defaultRetryPolicy(config.maxRetries, config.rateLimitWaitMs),
    logger,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
    ...(overrides.sleep ? { sleep: overrides.sleep } : {}),
    ...(overrides.now ? { now: overrides.now } : {}),
  });
  const calls = new CallTracker();
  // With Server-to-Server OAuth the first session fetches the token right away, so the granted scopes decide the listing early.
  const learnScopes = !sandbox && credentialMode(config) === "s2s" ? () => auth.getToken().then(() => undefined, () => undefined) : undefined;
  const deps: ServerDeps = { client, logger, calls, files: fileAccessFor(config), sandbox: !!sandbox, gate, ...(learnScopes ? { learnScopes } : {}) };
  const optionsFor = (tools: ToolSpec[], metaTools: MetaTool[], compact: Served["compact"]) => ({
    tools,
    compact,
    meta: metaTools,
    maxResultChars: config.maxResultTokens * 4,
    maxPages: config.maxPages,
    instructions: instructionsFor({ discovery: metaTools.length > 0, sandbox: !!sandbox }),
  });
  const options = optionsFor(served.tools, meta, served.compact);
  // Narrowed tool sets are few (one per token config or header combination): build each once.
  const narrowed = new Map<string, ReturnType<typeof optionsFor>>();
  const optionsForLimits = (limits: readonly Limits[]) => {
    const key = limitsKey(limits);
    let found = narrowed.get(key);
    if (!found) {
      const result: Served = limits.reduce((acc, l) => narrow(acc, l), served as Served);
      const readOnly = config.readOnly || limits.some((l) => l.readOnly);
      const metaTools = metaFor(result, readOnly);
      found = optionsFor(result.tools, metaTools, result.compact);
      if (narrowed.size >= 256) narrowed.delete(narrowed.keys().next().value!);
      narrowed.set(key, found);
    }
    return found;
  };
  return {
    tools: served.tools,
    meta,
    deps,
    calls,
    ...(sandbox ? { sandbox } : {}),
    newServer: (limits?: readonly Limits[]) => createServer(limits?.length ? optionsForLimits(limits) : options, deps),
    checkLimits: (limits, source) => validateLimits(limits, catalog.tools, DISCOVERY_TOOLS, source, extendedSource),
    ...(governor ? { governor } : {}),
    ...(redis ? { redis } : {}),
    health: () => ({ rateLimits: governor ? governor.status() : { plan: "sandbox: not paced" }, redis: redis ? redis.health() : { state: "disabled" } }),
    close: async () => {
      await redis?.close();
    },
  };
}
