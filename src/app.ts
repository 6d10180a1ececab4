/** Wiring: from a validated Config to the pieces a transport serves. No transport or process handling here. */
import { createTokenProvider } from "./auth/index.js";
import { DEFAULT_API_BASE_URL, type Config } from "./config.js";
import { ZoomClient } from "./http/client.js";
import { defaultRetryPolicy } from "./http/policy.js";
import type { Logger } from "./logger.js";
import { createServer, instructionsFor, type ServerDeps } from "./server.js";
import type { ToolSpec } from "./tools/define.js";
import { discoveryTools, type MetaTool } from "./tools/discovery.js";
import { allTools } from "./tools/registry.js";
import { selectTools } from "./tools/select.js";

export interface AppOverrides {
  /** Replaces global fetch for Zoom and OAuth calls (tests, the sandbox). */
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface App {
  readonly tools: ToolSpec[];
  readonly meta: MetaTool[];
  readonly deps: ServerDeps;
  newServer(): ReturnType<typeof createServer>;
}

export function createApp(config: Config, logger: Logger, overrides: AppOverrides = {}): App {
  const served = selectTools(allTools, config);
  const meta = discoveryTools({ callable: served.callable, served: new Set(served.tools.map((t) => t.name)), readOnly: config.readOnly }).filter((m) =>
    served.discovery.includes(m.name),
  );
  const client = new ZoomClient({
    auth: createTokenProvider(config, logger, overrides.fetch),
    ...(config.apiBaseUrl ? { apiBaseUrl: config.apiBaseUrl } : {}),
    defaultApiBaseUrl: DEFAULT_API_BASE_URL,
    timeoutMs: config.timeoutMs,
    retry: defaultRetryPolicy(config.maxRetries),
    logger,
    ...(overrides.fetch ? { fetch: overrides.fetch } : {}),
    ...(overrides.sleep ? { sleep: overrides.sleep } : {}),
  });
  const deps: ServerDeps = { client, logger };
  const options = {
    tools: served.tools,
    meta,
    maxResultChars: config.maxResultTokens * 4,
    instructions: instructionsFor({ discovery: meta.length > 0 }),
  };
  return { tools: served.tools, meta, deps, newServer: () => createServer(options, deps) };
}
