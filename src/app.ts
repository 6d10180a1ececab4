/** Wiring: from a validated Config to the pieces a transport serves. No transport or process handling here. */
import { createTokenProvider } from "./auth/index.js";
import { StaticTokenProvider } from "./auth/static-token.js";
import { DEFAULT_API_BASE_URL, type Config } from "./config.js";
import { ZoomClient } from "./http/client.js";
import { defaultRetryPolicy } from "./http/policy.js";
import type { Logger } from "./logger.js";
import { createServer, instructionsFor, type ServerDeps } from "./server.js";
import type { Catalog } from "./catalog/load.js";
import type { Sandbox } from "./sandbox/index.js";
import type { ToolSpec } from "./tools/define.js";
import { discoveryTools, type MetaTool } from "./tools/discovery.js";
import { selectTools } from "./tools/select.js";

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
  newServer(): ReturnType<typeof createServer>;
}

/**
 * The served tools, discovery and HTTP core for a configuration, over the given catalog. The
 * sandbox is imported only in sandbox mode, which is why this is async.
 */
export async function createApp(config: Config, catalog: Catalog, logger: Logger, overrides: AppOverrides = {}): Promise<App> {
  const served = selectTools(catalog.tools, config);
  const meta = discoveryTools({ callable: served.callable, served: new Set(served.tools.map((t) => t.name)), readOnly: config.readOnly }).filter((m) =>
    served.discovery.includes(m.name),
  );
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
  const client = new ZoomClient({
    auth: sandboxModule ? new StaticTokenProvider(sandboxModule.SANDBOX_TOKEN) : createTokenProvider(config, logger, fetchImpl),
    ...(sandboxModule ? { apiBaseUrl: sandboxModule.SANDBOX_API_BASE_URL } : config.apiBaseUrl ? { apiBaseUrl: config.apiBaseUrl } : {}),
    defaultApiBaseUrl: DEFAULT_API_BASE_URL,
    timeoutMs: config.timeoutMs,
    retry: defaultRetryPolicy(config.maxRetries),
    logger,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
    ...(overrides.sleep ? { sleep: overrides.sleep } : {}),
    ...(overrides.now ? { now: overrides.now } : {}),
  });
  const deps: ServerDeps = { client, logger };
  const options = {
    tools: served.tools,
    meta,
    maxResultChars: config.maxResultTokens * 4,
    instructions: instructionsFor({ discovery: meta.length > 0, sandbox: !!sandbox }),
  };
  return { tools: served.tools, meta, deps, ...(sandbox ? { sandbox } : {}), newServer: () => createServer(options, deps) };
}
