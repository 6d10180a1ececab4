/**
 * The single place that knows environment variable and flag names. One zod schema validates the
 * merged flags and environment at startup; a bad value names its variable and exits with status 2.
 */
import { z } from "zod";

export const DEFAULT_API_BASE_URL = "https://api.zoom.us/v2";
export const DEFAULT_OAUTH_TOKEN_URL = "https://zoom.us/oauth/token";

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });
const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();
const positiveInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Each config key with the env variable (and flag) that sets it, for error messages. */
export const SOURCES: Record<string, string> = {
  transport: "--transport",
  host: "--host",
  port: "--port (or PORT)",
  accountId: "ZOOM_ACCOUNT_ID",
  clientId: "ZOOM_CLIENT_ID",
  clientSecret: "ZOOM_CLIENT_SECRET",
  accessToken: "ZOOM_ACCESS_TOKEN",
  apiBaseUrl: "ZOOM_API_BASE_URL",
  oauthTokenUrl: "ZOOM_OAUTH_TOKEN_URL",
  logLevel: "LOG_LEVEL",
  timeoutMs: "ZOOM_TIMEOUT_MS",
  maxRetries: "ZOOM_MAX_RETRIES",
  maxBodyBytes: "ZOOM_MCP_MAX_BODY_BYTES",
  toolsets: "--toolsets (or ZOOM_TOOLSETS)",
  tools: "--tools (or ZOOM_TOOLS)",
  excludeTools: "--exclude-tools (or ZOOM_EXCLUDE_TOOLS)",
  readOnly: "--read-only (or ZOOM_READ_ONLY)",
  maxResultTokens: "ZOOM_MCP_MAX_RESULT_TOKENS",
  sandbox: "--sandbox (or ZOOM_SANDBOX)",
  sandboxState: "--sandbox-state (or ZOOM_SANDBOX_STATE)",
  sandboxSeed: "--sandbox-seed (or ZOOM_SANDBOX_SEED)",
  sandboxRateLimits: "--sandbox-rate-limits (or ZOOM_SANDBOX_RATE_LIMITS)",
};

const list = z
  .string()
  .default("")
  .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean));
const flag = z
  .string()
  .default("")
  .refine((v) => /^(|0|1|true|false|yes|no)$/i.test(v.trim()), "must be 1/0, true/false or yes/no")
  .transform((v) => /^(1|true|yes)$/i.test(v.trim()));

export const ConfigSchema = z.object({
  transport: z.enum(["stdio", "http"]).default("stdio"),
  host: z.string().min(1).default("127.0.0.1"),
  port: positiveInt(0, 65535).default(8080),
  accountId: optionalString,
  clientId: optionalString,
  clientSecret: optionalString,
  accessToken: optionalString,
  /** Unset means "Zoom's default, or the api_url of the token response". */
  apiBaseUrl: httpUrl.optional(),
  oauthTokenUrl: httpUrl.default(DEFAULT_OAUTH_TOKEN_URL),
  logLevel: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  /** Per-attempt HTTP timeout. */
  timeoutMs: positiveInt(1, 600_000).default(30_000),
  /** Retries after the first attempt, for rate limits and (idempotent) server errors. */
  maxRetries: positiveInt(0, 10).default(3),
  /** Largest accepted HTTP request body on the Streamable HTTP transport. */
  maxBodyBytes: positiveInt(1024, 50 * 1024 * 1024).default(4 * 1024 * 1024),
  /** Toolset ids or `all`; empty means the default profile. */
  toolsets: list,
  tools: list,
  excludeTools: list,
  readOnly: flag,
  /** Results longer than this (in tokens, 4 characters each) are cut at a clean JSON boundary. */
  maxResultTokens: positiveInt(1000, 1_000_000).default(20_000),
  /** Serve every tool from the in-process simulated Zoom instead of api.zoom.us. */
  sandbox: flag,
  /** Sandbox state file: loaded when it exists, saved after every change. */
  sandboxState: optionalString,
  sandboxSeed: positiveInt(0, 2 ** 31 - 1).default(42),
  /** Simulate a plan's rate limits in the sandbox: free, pro or business. */
  sandboxRateLimits: z.enum(["free", "pro", "business"], { error: "must be free, pro or business" }).optional(),
});

export type Config = z.infer<typeof ConfigSchema>;

/** The raw, unvalidated inputs: flags win over environment variables. */
export type ConfigInput = Partial<Record<keyof Config, string | undefined>>;

export function configInputFromEnv(env: NodeJS.ProcessEnv): ConfigInput {
  return {
    port: env.PORT,
    accountId: env.ZOOM_ACCOUNT_ID,
    clientId: env.ZOOM_CLIENT_ID,
    clientSecret: env.ZOOM_CLIENT_SECRET,
    accessToken: env.ZOOM_ACCESS_TOKEN,
    apiBaseUrl: env.ZOOM_API_BASE_URL || undefined,
    oauthTokenUrl: env.ZOOM_OAUTH_TOKEN_URL || undefined,
    logLevel: env.LOG_LEVEL || undefined,
    timeoutMs: env.ZOOM_TIMEOUT_MS || undefined,
    maxRetries: env.ZOOM_MAX_RETRIES || undefined,
    maxBodyBytes: env.ZOOM_MCP_MAX_BODY_BYTES || undefined,
    toolsets: env.ZOOM_TOOLSETS || undefined,
    tools: env.ZOOM_TOOLS || undefined,
    excludeTools: env.ZOOM_EXCLUDE_TOOLS || undefined,
    readOnly: env.ZOOM_READ_ONLY || undefined,
    maxResultTokens: env.ZOOM_MCP_MAX_RESULT_TOKENS || undefined,
    sandbox: env.ZOOM_SANDBOX || undefined,
    sandboxState: env.ZOOM_SANDBOX_STATE || undefined,
    sandboxSeed: env.ZOOM_SANDBOX_SEED || undefined,
    sandboxRateLimits: env.ZOOM_SANDBOX_RATE_LIMITS || undefined,
  };
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Validates the merged inputs. Throws a ConfigError whose message is one line naming the variable. */
export function parseConfig(input: ConfigInput): Config {
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const result = ConfigSchema.safeParse(defined);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const key = String(issue.path[0] ?? "");
  const source = SOURCES[key] ?? key;
  const raw = key in defined && !/secret|token/i.test(key) ? ` (got ${JSON.stringify(defined[key])})` : "";
  throw new ConfigError(`invalid ${source}: ${issue.message}${raw}`);
}

/** Which credentials are configured, without exposing them. */
export function credentialMode(config: Config): "s2s" | "static" | "none" {
  if (config.accountId && config.clientId && config.clientSecret) return "s2s";
  if (config.accessToken) return "static";
  return "none";
}
