/**
 * The library entry point (`import { createServer } from "zoom-mcp"`): the same server the CLI runs,
 * for embedding in your own process. It reads no environment and opens no port: pass settings in,
 * connect the returned server to any MCP transport.
 *
 * @example
 * import { createServer } from "zoom-mcp";
 * import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
 * const server = await createServer({ sandbox: "1", toolsets: "meetings" });
 * await server.connect(new StdioServerTransport());
 */
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { createApp } from "./app.js";
import { loadCatalog, type Catalog } from "./catalog/load.js";
import { configInputFromEnv, parseConfig, type ConfigInput } from "./config.js";
import { createLogger, type Logger } from "./logger.js";

export { ConfigError, configInputFromEnv, configWarnings, parseConfig, SETTINGS, type Config, type ConfigInput, type Setting, type SettingKey } from "./config.js";
export type { Logger } from "./logger.js";
export { createCatalog, loadCatalog, type Catalog } from "./catalog/load.js";
export { VERSION } from "./version.js";

export interface CreateServerOptions {
  /** Where logs go (pino). @default a silent logger */
  readonly logger?: Logger;
  /** Replaces global fetch for the Zoom API and OAuth calls (a proxy, a test double). */
  readonly fetch?: typeof fetch;
  /** The tools to choose from. @default loadCatalog(): the 373 Zoom endpoints */
  readonly catalog?: Catalog;
}

/**
 * A new MCP server for one client connection. `settings` take the same raw values as the flags and
 * environment variables (see SETTINGS; e.g. `{ accountId, clientId, clientSecret, toolsets: "all" }`),
 * and are validated the same way: a bad value throws a ConfigError naming the setting.
 * `createServer(settingsFromEnv(process.env))` reads the environment like the CLI does. Call it once per
 * connection (an HTTP server makes one per session); the catalog can be loaded once and passed in.
 * Being per connection, it logs none of the start warnings the CLI logs once: for those, call
 * `configWarnings(parseConfig(settings))` once where your process starts.
 */
export async function createServer(settings: ConfigInput = {}, options: CreateServerOptions = {}): Promise<Server> {
  const config = parseConfig(settings);
  const app = await createApp(config, options.catalog ?? loadCatalog(), options.logger ?? createLogger("silent"), options.fetch ? { fetch: options.fetch } : {});
  return app.newServer();
}

/** The settings the CLI would read from this environment. */
export const settingsFromEnv = configInputFromEnv;
