/**
 * The one table of settings. Each row declares a setting once: its config key, command-line flag,
 * environment variable, default, documentation and validation. The CLI options (src/cli.ts), the
 * environment reading, `--help`, the README's configuration table (scripts/docs.ts) and the names in
 * error messages all come from it; test/config.test.ts checks that they agree.
 *
 * To add a setting: add a row to SETTINGS. Nothing else needs to know its flag or variable name.
 */
import { z } from "zod";
import { backoffDelay, defaultRetryPolicy } from "./http/policy.js";

export const DEFAULT_API_BASE_URL = "https://api.zoom.us/v2";
export const DEFAULT_OAUTH_TOKEN_URL = "https://zoom.us/oauth/token";

/** Sections of `--help` and of the README table, in this order. */
export const GROUPS = {
  credentials: "Zoom credentials",
  zoom: "Zoom API",
  limits: "Rate limits and shared state",
  tools: "Tools",
  results: "Results",
  transport: "Transport",
  http: "HTTP: authentication, sessions, shutdown",
  sandbox: "Sandbox",
  logging: "Logging",
} as const;
export type Group = keyof typeof GROUPS;

export interface Setting<S extends z.ZodType = z.ZodType> {
  /** Section in `--help` and the README. */
  readonly group: Group;
  /** Command-line flag without the leading dashes, e.g. "port" for `--port`. */
  readonly flag?: string;
  /** Placeholder of the flag's value in `--help`, e.g. "PORT". Without it the flag is a switch (presence = "1"). */
  readonly arg?: string;
  /** Environment variable. A flag wins over it. */
  readonly env?: string;
  /**
   * The default as raw text, validated exactly like a user's value (so it is declared here and nowhere else).
   * Absent: the setting is unset unless given.
   */
  readonly default?: string;
  /** How the default reads in `--help` and the README, when the raw default alone would not say it. */
  readonly defaultText?: string;
  /** One line: what the setting does. Our own words; shown in `--help` and the README. */
  readonly doc: string;
  /** Never echo the value in an error message. */
  readonly secret?: boolean;
  /** Validates and converts the raw text (flag value, variable or default). */
  readonly schema: S;
}

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });
const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z
  .string()
  .optional()
  .transform((v) => (v ?? "").split(",").map((s) => s.trim()).filter(Boolean));
const BOOLEAN = /^(0|1|true|false|yes|no)$/i;
const TRUE = /^(1|true|yes)$/i;
const flag = z
  .string()
  .optional()
  .refine((v) => v === undefined || BOOLEAN.test(v.trim()), "must be 1/0, true/false or yes/no")
  .transform((v) => v !== undefined && TRUE.test(v.trim()));

/** Keeps the row's schema type, so Config is inferred from the table. */
const setting = <S extends z.ZodType>(row: Setting<S>): Setting<S> => row;

export const SETTINGS = {
  accountId: setting({ group: "credentials", env: "ZOOM_ACCOUNT_ID", doc: "Server-to-Server OAuth app: account ID", schema: optionalString }),
  clientId: setting({ group: "credentials", env: "ZOOM_CLIENT_ID", doc: "Server-to-Server OAuth app: client ID", schema: optionalString }),
  clientSecret: setting({ group: "credentials", env: "ZOOM_CLIENT_SECRET", doc: "Server-to-Server OAuth app: client secret", secret: true, schema: optionalString }),
  accessToken: setting({
    group: "credentials",
    env: "ZOOM_ACCESS_TOKEN",
    doc: "a ready bearer token, used when the three above are not all set (it cannot be refreshed)",
    secret: true,
    schema: optionalString,
  }),
  apiBaseUrl: setting({
    group: "zoom",
    env: "ZOOM_API_BASE_URL",
    defaultText: `${DEFAULT_API_BASE_URL}, or the api_url Zoom returns with the token`,
    doc: "REST API base URL",
    // Unset means "Zoom's default, or the api_url of the token response".
    schema: httpUrl.optional(),
  }),
  oauthTokenUrl: setting({ group: "zoom", env: "ZOOM_OAUTH_TOKEN_URL", default: DEFAULT_OAUTH_TOKEN_URL, doc: "OAuth token endpoint (e.g. ZoomGov's)", schema: httpUrl }),
  timeoutMs: setting({ group: "zoom", env: "ZOOM_TIMEOUT_MS", default: "30000", doc: "timeout of one HTTP attempt, in ms, the whole answer body included; keep it below ZOOM_CALL_TIMEOUT_MS", schema: int(1, 600_000) }),
  callTimeoutMs: setting({
    group: "zoom",
    env: "ZOOM_CALL_TIMEOUT_MS",
    default: "55000",
    doc: "deadline of one tool call, in ms: every attempt, answer body, wait between attempts and wait for a token (below the usual 60 s client timeout)",
    schema: int(1, 3_600_000),
  }),
  maxResponseBytes: setting({
    group: "zoom",
    env: "ZOOM_MAX_RESPONSE_BYTES",
    default: String(32 * 1024 * 1024),
    doc: "largest answer body read from Zoom, after decompression; a larger one is aborted with a clear error",
    schema: int(1024, 1024 * 1024 * 1024),
  }),
  maxRetries: setting({
    group: "zoom",
    env: "ZOOM_MAX_RETRIES",
    default: "3",
    doc: "retries after the first attempt for server errors and dropped connections (GET, PUT, DELETE only); 429s are bounded by ZOOM_RATE_LIMIT_WAIT_MS instead",
    schema: int(0, 10),
  }),
  plan: setting({
    group: "limits",
    env: "ZOOM_PLAN",
    default: "pro",
    doc: "the account's plan (free, pro or business; business covers Education, Enterprise and Partner), which sets the rate budgets; Zoom cannot tell an app its plan",
    schema: z.enum(["free", "pro", "business"], { error: "must be free, pro or business" }),
  }),
  rateLimitLight: setting({ group: "limits", env: "ZOOM_RATE_LIMIT_LIGHT", defaultText: "the plan's", doc: "Light requests per second, replacing the plan's number", schema: int(1, 10_000).optional() }),
  rateLimitMedium: setting({ group: "limits", env: "ZOOM_RATE_LIMIT_MEDIUM", defaultText: "the plan's", doc: "Medium requests per second, replacing the plan's number", schema: int(1, 10_000).optional() }),
  rateLimitHeavy: setting({ group: "limits", env: "ZOOM_RATE_LIMIT_HEAVY", defaultText: "the plan's", doc: "Heavy requests per second, replacing the plan's number", schema: int(1, 10_000).optional() }),
  rateLimitResourceIntensive: setting({
    group: "limits",
    env: "ZOOM_RATE_LIMIT_RESOURCE_INTENSIVE",
    defaultText: "the plan's",
    doc: "Resource-intensive requests per minute, replacing the plan's number",
    schema: int(1, 10_000).optional(),
  }),
  rateLimitWaitMs: setting({
    group: "limits",
    env: "ZOOM_RATE_LIMIT_WAIT_MS",
    default: "50000",
    doc: "longest a call waits in total for rate limits (in the queue and for 429 retries), in ms, before it fails saying what it waited for; keep it below ZOOM_CALL_TIMEOUT_MS, which ends the call regardless",
    schema: int(0, 600_000),
  }),
  redisUrl: setting({
    group: "limits",
    env: "ZOOM_MCP_REDIS_URL",
    defaultText: "none: everything in memory",
    doc: "redis:// or rediss:// URL; replicas then share rate budgets, daily counts and the Server-to-Server token",
    secret: true,
    schema: z.url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL" }).optional(),
  }),
  toolsets: setting({
    group: "tools",
    flag: "toolsets",
    arg: "a,b",
    env: "ZOOM_TOOLSETS",
    defaultText: "the default profile",
    doc: 'toolsets to serve: ids, "all" (the catalog), "default", "discovery", "extended" or "master_account"',
    schema: list,
  }),
  tools: setting({ group: "tools", flag: "tools", arg: "n1,n2", env: "ZOOM_TOOLS", doc: "add single tools", schema: list }),
  excludeTools: setting({ group: "tools", flag: "exclude-tools", arg: "n1,n2", env: "ZOOM_EXCLUDE_TOOLS", doc: "remove single tools (endpoint or discovery tools)", schema: list }),
  readOnly: setting({ group: "tools", flag: "read-only", env: "ZOOM_READ_ONLY", doc: "serve only read-only tools", schema: flag }),
  showAllTools: setting({
    group: "tools",
    flag: "show-all-tools",
    env: "ZOOM_SHOW_ALL_TOOLS",
    doc: "keep the tools the token's granted scopes cannot call (by default they are hidden once the scopes are known)",
    schema: flag,
  }),
  maxResultTokens: setting({
    group: "results",
    env: "ZOOM_MCP_MAX_RESULT_TOKENS",
    default: "20000",
    doc: "results longer than this (4 characters a token) are cut at a clean JSON boundary",
    schema: int(1000, 1_000_000),
  }),
  maxPages: setting({
    group: "results",
    env: "ZOOM_MCP_MAX_PAGES",
    default: "100",
    doc: "most pages one `all_pages` call fetches; it then stops and hands back next_page_token to continue",
    schema: int(1, 10_000),
  }),
  transport: setting({
    group: "transport",
    flag: "transport",
    arg: "stdio|http",
    default: "stdio",
    doc: "MCP transport: stdio, or Streamable HTTP at /mcp (plus GET /healthz)",
    schema: z.enum(["stdio", "http"], { error: "must be stdio or http" }),
  }),
  host: setting({ group: "transport", flag: "host", arg: "HOST", default: "127.0.0.1", doc: "HTTP bind address", schema: z.string().min(1) }),
  port: setting({ group: "transport", flag: "port", arg: "PORT", env: "PORT", default: "8080", doc: "HTTP port", schema: int(0, 65535) }),
  maxMessageBytes: setting({
    group: "transport",
    env: "ZOOM_MCP_MAX_MESSAGE_BYTES",
    default: String(10 * 1024 * 1024),
    doc: "largest incoming JSON-RPC message on stdio; a larger one gets a JSON-RPC error and the session goes on",
    schema: int(64 * 1024, 256 * 1024 * 1024),
  }),
  maxBodyBytes: setting({
    group: "transport",
    env: "ZOOM_MCP_MAX_BODY_BYTES",
    default: String(4 * 1024 * 1024),
    doc: "largest request body accepted on the HTTP transport (413 above it)",
    schema: int(1024, 50 * 1024 * 1024),
  }),
  uploadDir: setting({
    group: "tools",
    flag: "upload-dir",
    arg: "DIR",
    env: "ZOOM_MCP_UPLOAD_DIR",
    defaultText: "none over HTTP (file_path refused); the working directory over stdio",
    doc: "the only directory file_path may read uploads from (after symlinks); file_base64 works everywhere",
    schema: optionalString,
  }),
  authTokens: setting({
    group: "http",
    env: "ZOOM_MCP_AUTH_TOKENS",
    doc: 'bearer tokens for /mcp, entries split by ";" or newlines: TOKEN [name=LABEL] [readonly] [toolsets=a,b] [tools=x,y] [exclude-tools=z]',
    secret: true,
    schema: optionalString,
  }),
  authTokensFile: setting({ group: "http", env: "ZOOM_MCP_AUTH_TOKENS_FILE", doc: "a file of token entries, one per line (# comments)", schema: optionalString }),
  oauthIssuer: setting({
    group: "http",
    env: "ZOOM_MCP_OAUTH_ISSUER",
    doc: "OAuth 2.1 resource-server mode: accept JWTs from this issuer, checked against its JWKS",
    schema: httpUrl.optional(),
  }),
  oauthAudience: setting({ group: "http", env: "ZOOM_MCP_OAUTH_AUDIENCE", doc: 'the "aud" a JWT must carry (required with ZOOM_MCP_OAUTH_ISSUER)', schema: optionalString }),
  oauthJwksUrl: setting({ group: "http", env: "ZOOM_MCP_OAUTH_JWKS_URL", defaultText: "found in the issuer's metadata", doc: "the issuer's JWKS URL", schema: httpUrl.optional() }),
  oauthScopes: setting({
    group: "http",
    env: "ZOOM_MCP_OAUTH_SCOPES",
    doc: "scopes every JWT must carry (403 otherwise), split by spaces or commas",
    schema: z
      .string()
      .optional()
      .transform((v) => (v ?? "").split(/[\s,]+/).filter(Boolean)),
  }),
  publicUrl: setting({
    group: "http",
    env: "ZOOM_MCP_PUBLIC_URL",
    defaultText: "built from the request's Host",
    doc: "public URL of /mcp behind a proxy, for the OAuth protected-resource metadata",
    schema: httpUrl.optional(),
  }),
  allowUnauthenticated: setting({
    group: "http",
    flag: "allow-unauthenticated",
    env: "ZOOM_MCP_ALLOW_UNAUTHENTICATED",
    doc: "serve a non-loopback --host without authentication (only when something in front authenticates)",
    schema: flag,
  }),
  allowedOrigins: setting({
    group: "http",
    flag: "allowed-origins",
    arg: "a,b",
    env: "ZOOM_MCP_ALLOWED_ORIGINS",
    defaultText: "localhost on this server's port",
    doc: 'browser Origins accepted (replaces the default; "*" for any)',
    schema: list,
  }),
  allowedHosts: setting({
    group: "http",
    flag: "allowed-hosts",
    arg: "a,b",
    env: "ZOOM_MCP_ALLOWED_HOSTS",
    defaultText: "loopback names and --host",
    doc: 'Host header names accepted (replaces the default; "*" for any)',
    schema: list,
  }),
  stateless: setting({
    group: "http",
    flag: "stateless",
    env: "ZOOM_MCP_STATELESS",
    doc: "serve every POST without a session, so replicas behind any load balancer need no sticky sessions",
    schema: flag,
  }),
  sessionIdleMs: setting({ group: "http", env: "ZOOM_MCP_SESSION_IDLE_MS", default: String(15 * 60 * 1000), doc: "close a session unused this long, in ms", schema: int(1000, 7 * 24 * 3600 * 1000) }),
  maxSessions: setting({ group: "http", env: "ZOOM_MCP_MAX_SESSIONS", default: "1000", doc: "sessions kept at once, all clients together", schema: int(1, 1_000_000) }),
  maxSessionsPerClient: setting({
    group: "http",
    env: "ZOOM_MCP_MAX_SESSIONS_PER_CLIENT",
    default: "100",
    doc: "sessions kept at once per token or OAuth subject; making room evicts only that client's idle sessions",
    schema: int(1, 1_000_000),
  }),
  drainTimeoutMs: setting({
    group: "http",
    flag: "drain-timeout-ms",
    arg: "MS",
    env: "ZOOM_MCP_DRAIN_TIMEOUT_MS",
    default: "10000",
    doc: "on SIGTERM/SIGINT (stdio: also stdin EOF), how long running calls may finish before they are answered with an error",
    schema: int(0, 600_000),
  }),
  sandbox: setting({
    group: "sandbox",
    flag: "sandbox",
    env: "ZOOM_SANDBOX",
    doc: 'serve a simulated Zoom in process, no account needed; the variable also takes "auto": only when no credentials are set',
    // "auto" is resolved against the credentials in parseConfig, so Config.sandbox is a plain boolean.
    schema: z
      .string()
      .optional()
      .refine((v) => v === undefined || BOOLEAN.test(v.trim()) || v.trim().toLowerCase() === "auto", "must be 1/0, true/false, yes/no or auto")
      .transform((v): boolean | "auto" => (v?.trim().toLowerCase() === "auto" ? "auto" : v !== undefined && TRUE.test(v.trim()))),
  }),
  sandboxState: setting({
    group: "sandbox",
    flag: "sandbox-state",
    arg: "FILE",
    env: "ZOOM_SANDBOX_STATE",
    doc: "sandbox state file: loaded when it exists, saved after every change",
    schema: optionalString,
  }),
  sandboxSeed: setting({ group: "sandbox", flag: "sandbox-seed", arg: "N", env: "ZOOM_SANDBOX_SEED", default: "42", doc: "seed of the sandbox's starting data and IDs", schema: int(0, 2 ** 31 - 1) }),
  sandboxRateLimits: setting({
    group: "sandbox",
    flag: "sandbox-rate-limits",
    arg: "PLAN",
    env: "ZOOM_SANDBOX_RATE_LIMITS",
    doc: "simulate a plan's rate limits in the sandbox: free, pro or business",
    schema: z.enum(["free", "pro", "business"], { error: "must be free, pro or business" }).optional(),
  }),
  logLevel: setting({
    group: "logging",
    env: "LOG_LEVEL",
    default: "info",
    doc: "trace, debug, info, warn, error, fatal or silent (logs are JSON on stderr)",
    schema: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]),
  }),
} satisfies Record<string, Setting>;

export type SettingKey = keyof typeof SETTINGS;
type Shape = { [K in SettingKey]: (typeof SETTINGS)[K]["schema"] };

/** Validates the merged raw inputs (defaults filled in). Built from the table. */
export const ConfigSchema = z.object(Object.fromEntries(Object.entries(SETTINGS).map(([key, row]) => [key, row.schema])) as Shape);

/** The validated configuration. `sandbox: "auto"` is already resolved. */
export type Config = Omit<z.infer<typeof ConfigSchema>, "sandbox"> & { sandbox: boolean };

/** The raw, unvalidated inputs: flags win over environment variables. */
export type ConfigInput = Partial<Record<SettingKey, string | undefined>>;

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** The environment variable of a setting, for messages ("Set ZOOM_CLIENT_ID ..."). */
export function envName(key: SettingKey): string {
  const env = (SETTINGS[key] as Setting).env;
  if (!env) throw new Error(`setting ${key} has no environment variable`);
  return env;
}

/** How a user sets it: "--port (or PORT)", "ZOOM_API_BASE_URL", "--transport". */
export function sourceOf(key: SettingKey): string {
  const row: Setting = SETTINGS[key];
  if (row.flag && row.env) return `--${row.flag} (or ${row.env})`;
  return row.flag ? `--${row.flag}` : (row.env ?? key);
}

/**
 * A value that says nothing: empty, or a `${user_config.x}` placeholder that an MCP Bundle host passes
 * through unreplaced when the user left the field blank.
 */
function isUnset(value: string | undefined): value is undefined {
  return value === undefined || value.trim() === "" || /^\$\{[^}]*\}$/.test(value.trim());
}

export function configInputFromEnv(env: NodeJS.ProcessEnv): ConfigInput {
  const input: ConfigInput = {};
  for (const key of SETTING_KEYS) {
    const name = (SETTINGS[key] as Setting).env;
    const value = name === undefined ? undefined : env[name];
    if (!isUnset(value)) input[key] = value;
  }
  return input;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Validates the merged inputs. Throws a ConfigError whose message is one line naming the flag or variable. */
export function parseConfig(input: ConfigInput): Config {
  const raw: Record<string, string | undefined> = {};
  for (const key of SETTING_KEYS) {
    const given = input[key];
    raw[key] = isUnset(given) ? (SETTINGS[key] as Setting).default : given;
  }
  // One parse per start: zod's compiled fast path would cost more to build than it saves here.
  const result = ConfigSchema.safeParse(raw, { jitless: true });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = String(issue.path[0] ?? "") as SettingKey;
    const row: Setting | undefined = SETTINGS[key];
    const shown = row && !row.secret && raw[key] !== undefined ? ` (got ${JSON.stringify(raw[key])})` : "";
    throw new ConfigError(`invalid ${row ? sourceOf(key) : key}: ${issue.message}${shown}`);
  }
  const parsed = result.data;
  if (parsed.oauthIssuer && !parsed.oauthAudience) {
    throw new ConfigError(`invalid ${sourceOf("oauthAudience")}: required with ${envName("oauthIssuer")} (the "aud" your authorization server puts in tokens for this server, often its public URL)`);
  }
  const sandbox = parsed.sandbox === "auto" ? credentialMode(parsed) === "none" : parsed.sandbox;
  return { ...parsed, sandbox };
}

type TimingKey = "timeoutMs" | "callTimeoutMs" | "rateLimitWaitMs" | "maxRetries";

/**
 * Settings that are each valid but defeat one another, in words that name both and say what to change.
 * The server still starts: these are logged as warnings (src/index.ts), once. The package entry (src/lib.ts)
 * exports this for embedders, whose createServer runs once per connection and so cannot log them once.
 */
export function configWarnings(config: Pick<Config, TimingKey>): string[] {
  const set = (key: TimingKey) => `${envName(key)}=${config[key]}`;
  const retries = (n: number) => `${n} ${n === 1 ? "retry" : "retries"}`;
  const warnings: string[] = [];
  // The client gives the governor's queue and the 429 retries only what is left of the deadline: past it, the budget is unreachable.
  if (config.rateLimitWaitMs >= config.callTimeoutMs) {
    warnings.push(
      `${set("rateLimitWaitMs")} is not below ${set("callTimeoutMs")}, so the rate-limit wait budget can never be used in full: the call's deadline ends the waiting first, and a call let through late has little or no time left for its request. ` +
        `Set ${envName("rateLimitWaitMs")} below ${config.callTimeoutMs}, leaving time for the request itself, or raise ${envName("callTimeoutMs")}.`,
    );
  }
  // An attempt cut by the deadline ends the call (client.ts), so the attempt's own timeout, and the retry after it, never come.
  if (config.timeoutMs >= config.callTimeoutMs) {
    warnings.push(
      `${set("timeoutMs")} is not below ${set("callTimeoutMs")}, so the call's deadline, not the attempt's timeout, ends a request that hangs, and it is never retried. ` +
        `Set ${envName("timeoutMs")} below ${config.callTimeoutMs} (it bounds one attempt; ${envName("callTimeoutMs")} bounds the call with its retries).`,
    );
  }
  // The backoff before each retry counts against the wait budget too (client.ts): find how many of the shortest backoffs fit.
  const policy = defaultRetryPolicy(config.maxRetries, config.rateLimitWaitMs);
  let fit = 0;
  let needed = 0;
  for (let n = 0; n < policy.maxRetries; n++) {
    needed += backoffDelay(policy, n, () => 0);
    if (needed <= policy.maxTotalWaitMs) fit = n + 1;
  }
  if (fit < policy.maxRetries) {
    warnings.push(
      `${set("maxRetries")} asks for ${retries(config.maxRetries)} after a server error or a dropped connection, but the backoff before each retry counts against ${set("rateLimitWaitMs")}, which leaves room for ${fit === 0 ? "none" : `only ${fit}`}. ` +
        `Set ${envName("rateLimitWaitMs")} to at least ${needed} (the shortest waits before ${retries(config.maxRetries)}), or ${envName("maxRetries")} to ${fit}.`,
    );
  }
  return warnings;
}

/** Which credentials are configured, without exposing them. */
export function credentialMode(config: Pick<Config, "accountId" | "clientId" | "clientSecret" | "accessToken">): "s2s" | "static" | "none" {
  if (config.accountId && config.clientId && config.clientSecret) return "s2s";
  if (config.accessToken) return "static";
  return "none";
}

/** The credential settings, for messages that say what to set. */
export const CREDENTIALS = {
  s2s: [envName("accountId"), envName("clientId"), envName("clientSecret")] as const,
  token: envName("accessToken"),
};

/** "A, B and C". */
export function joinNames(names: readonly string[]): string {
  return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}
