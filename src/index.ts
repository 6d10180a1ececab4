#!/usr/bin/env node
/** The CLI: parse flags and environment once, validate them, then list tools or serve a transport. */
import { createApp } from "./app.js";
import { loadCatalog, type Catalog } from "./catalog/load.js";
import { parseCli, USAGE, UsageError } from "./cli.js";
import { ConfigError, configInputFromEnv, configWarnings, credentialMode, CREDENTIALS, joinNames, parseConfig, type Config } from "./config.js";
import { createLogger, type Logger } from "./logger.js";
import { describeForListing } from "./tools/define.js";
import { SelectionError } from "./tools/select.js";
import { VERSION } from "./version.js";

function fail(message: string): never {
  process.stderr.write(`zoom-mcp: ${message}\nRun zoom-mcp --help for usage.\n`);
  process.exit(2);
}

async function printTools(config: Config, catalog: Catalog, json: boolean): Promise<void> {
  const app = await createApp(config, catalog, createLogger("silent"));
  const rows = [
    ...app.meta.map((m) => ({ name: m.name, title: m.title, toolset: "discovery", method: "", path: "", scopes: [], rateLimit: null, legacy: false, annotations: m.annotations })),
    ...app.tools.map(describeForListing),
  ];
  if (json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const hint = (r: (typeof rows)[number]) =>
    [r.annotations.readOnlyHint && "read-only", r.annotations.destructiveHint && "destructive", r.annotations.idempotentHint && "idempotent"].filter(Boolean).join(",");
  const table = [["NAME", "TOOLSET", "METHOD", "PATH", "HINTS", "TITLE"], ...rows.map((r) => [r.name, r.toolset, r.method, r.path, hint(r), r.title])];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const row of table) process.stdout.write(`${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ")}\n`);
  process.stdout.write(`\n${rows.length} tools\n`);
}

/** What a person starting the HTTP server needs to know: where it is, and how to connect. */
function banner(url: string, sandbox: boolean): string {
  const health = url.replace(/\/mcp$/, "/healthz");
  return [
    "",
    `zoom-mcp ${VERSION} is serving MCP (Streamable HTTP) at ${url}`,
    sandbox
      ? "  SANDBOX: a simulated Zoom with sample users, groups, meetings, a webinar, recordings, phone and rooms; no account needed, nothing is sent to Zoom."
      : "  Connected to Zoom with the configured credentials.",
    `  Client config:  {"mcpServers": {"zoom": {"type": "http", "url": "${url}"}}}`,
    `  MCP Inspector:  npx @modelcontextprotocol/inspector, then choose Streamable HTTP and ${url}`,
    `  Health check:   ${health}    Stop: Ctrl+C`,
    "",
  ].join("\n") + "\n";
}

async function main(): Promise<void> {
  let cli;
  let config: Config;
  try {
    cli = parseCli(process.argv.slice(2));
    const fromEnv = configInputFromEnv(process.env);
    const flags = Object.fromEntries(Object.entries(cli.config).filter(([, v]) => v !== undefined));
    config = parseConfig({ ...fromEnv, ...flags });
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) fail(error.message);
    throw error;
  }

  if (cli.command === "help") return void process.stdout.write(USAGE);
  if (cli.command === "version") return void process.stdout.write(`${VERSION}\n`);
  // The one read of the catalog; everything below gets it passed in.
  const catalog = loadCatalog();
  try {
    if (cli.command === "tools") return await printTools(config, catalog, cli.json);
  } catch (error) {
    if (error instanceof SelectionError) fail(error.message);
    throw error;
  }

  const logger = createLogger(config.logLevel);
  let app;
  try {
    app = await createApp(config, catalog, logger);
  } catch (error) {
    if (error instanceof SelectionError) fail(error.message);
    throw error;
  }
  const mode = config.sandbox ? "sandbox" : credentialMode(config);
  logger.info({ tools: app.tools.length, credentials: mode, transport: config.transport }, "starting zoom-mcp");
  // Both transports start here, once per process (createApp also serves `zoom-mcp tools` and embedders).
  for (const warning of configWarnings(config)) logger.warn(warning);
  if (config.sandbox) {
    logger.warn(
      { seed: config.sandboxSeed, state: config.sandboxState ?? null, rateLimits: config.sandboxRateLimits ?? null },
      `SANDBOX MODE: tools answer from a simulated Zoom inside this process; no Zoom account is used and nothing is sent to Zoom. To use a real Zoom account, set ${joinNames(CREDENTIALS.s2s)} and leave the sandbox off (or on auto).`,
    );
  } else if (mode === "none") {
    logger.warn(`no Zoom credentials are set: every tool call will fail until ${joinNames(CREDENTIALS.s2s)} (or ${CREDENTIALS.token}) are set`);
  }

  // Each transport is imported only when it is the one served.
  if (config.transport === "stdio") {
    const { serveStdio } = await import("./transports/stdio.js");
    await serveStdio(app.newServer(), logger, { calls: app.calls, drainTimeoutMs: config.drainTimeoutMs, maxMessageBytes: config.maxMessageBytes });
    return;
  }
  const { httpOptionsFromConfig, serveHttp } = await import("./transports/http.js");
  let http;
  try {
    const serving = serveHttp(httpOptionsFromConfig(config, app, logger));
    exitOnSignals(logger, async (signal) => (await serving).shutdown(signal));
    http = await serving;
  } catch (error) {
    // A setup the server refuses (no authentication on a public address, a bad token entry, a token limit naming an unknown tool).
    if (error instanceof Error && ["HttpSetupError", "AuthConfigError", "NarrowingError"].includes(error.name)) fail(error.message);
    throw error;
  }
  process.stderr.write(banner(http.url, config.sandbox));
}

/**
 * On SIGINT or SIGTERM: `stop` (the graceful drain), then exit 0; a second signal exits at once.
 * Call it before anything says the server is up (its "serving" log line, the banner): a supervisor may
 * signal the moment it reads that, and with no handler yet the OS default action kills the process,
 * running calls and all.
 */
function exitOnSignals(logger: Logger, stop: (signal: NodeJS.Signals) => Promise<unknown>): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "second signal: exiting without waiting for running calls");
      process.exit(1);
    }
    stopping = true;
    void stop(signal)
      .catch((error: unknown) => logger.error({ err: error instanceof Error ? error.message : String(error) }, "shutdown failed"))
      .finally(() => process.exit(0));
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`zoom-mcp: fatal: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
