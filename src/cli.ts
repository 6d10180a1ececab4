/** Command-line parsing: flags become the same raw config inputs as environment variables. */
import { parseArgs } from "node:util";
import type { ConfigInput } from "./config.js";

export const USAGE = `zoom-mcp: the Zoom REST API v2 as MCP tools

Usage:
  zoom-mcp [options]                 serve MCP over stdio (the default)
  zoom-mcp --transport http [--host 127.0.0.1] [--port 8080]
                                     serve Streamable HTTP at /mcp, plus GET /healthz
  zoom-mcp tools [--json] [options]  list the tools a configuration serves (no credentials needed)

Options:
  --transport stdio|http     transport (default stdio)
  --host HOST                HTTP bind address (default 127.0.0.1)
  --port PORT                HTTP port (default 8080; env PORT)
  --toolsets a,b             toolsets to serve, or "all" (env ZOOM_TOOLSETS)
  --tools name1,name2        add single tools (env ZOOM_TOOLS)
  --exclude-tools n1,n2      remove single tools (env ZOOM_EXCLUDE_TOOLS)
  --read-only                serve only read-only tools (env ZOOM_READ_ONLY=1)
  --json                     with "tools": print one JSON array
  --sandbox                  serve a simulated Zoom in process: no account or credentials needed (env ZOOM_SANDBOX=1)
  --sandbox-state FILE       load the sandbox from FILE when it exists, save it there after every change
  --sandbox-seed N           seed for the sandbox's starting data and IDs (default 42)
  --sandbox-rate-limits PLAN simulate Zoom's rate limits for free, pro or business
  -h, --help                 show this help
  -v, --version              print the version

Environment:
  ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET   Server-to-Server OAuth credentials
  ZOOM_ACCESS_TOKEN          a ready bearer token instead
  ZOOM_API_BASE_URL          default https://api.zoom.us/v2 (or the token's api_url)
  ZOOM_OAUTH_TOKEN_URL       default https://zoom.us/oauth/token
  ZOOM_TIMEOUT_MS            per-attempt HTTP timeout (default 30000)
  ZOOM_MAX_RETRIES           retries for rate limits and idempotent server errors (default 3)
  ZOOM_MCP_MAX_BODY_BYTES    largest HTTP request body accepted (default 4194304)
  LOG_LEVEL                  trace|debug|info|warn|error|fatal|silent (default info; logs go to stderr)
`;

export interface Cli {
  readonly command: "serve" | "tools" | "help" | "version";
  readonly json: boolean;
  readonly config: ConfigInput;
}

export class UsageError extends Error {
  override name = "UsageError";
}

export function parseCli(argv: readonly string[]): Cli {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        transport: { type: "string" },
        host: { type: "string" },
        port: { type: "string" },
        toolsets: { type: "string" },
        tools: { type: "string" },
        "exclude-tools": { type: "string" },
        "read-only": { type: "boolean" },
        json: { type: "boolean" },
        sandbox: { type: "boolean" },
        "sandbox-state": { type: "string" },
        "sandbox-seed": { type: "string" },
        "sandbox-rate-limits": { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1 || (positionals[0] !== undefined && positionals[0] !== "tools")) {
    throw new UsageError(`unknown command ${JSON.stringify(positionals.join(" "))}`);
  }
  const config: ConfigInput = {
    transport: values.transport,
    host: values.host,
    port: values.port,
    toolsets: values.toolsets,
    tools: values.tools,
    excludeTools: values["exclude-tools"],
    readOnly: values["read-only"] ? "1" : undefined,
    sandbox: values.sandbox ? "1" : undefined,
    sandboxState: values["sandbox-state"],
    sandboxSeed: values["sandbox-seed"],
    sandboxRateLimits: values["sandbox-rate-limits"],
  };
  const command = values.help ? "help" : values.version ? "version" : positionals[0] === "tools" ? "tools" : "serve";
  return { command, json: !!values.json, config };
}
