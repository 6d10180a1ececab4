import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

/** Every place a secret can sit in a log object; each is replaced with `[redacted]`. */
export const REDACT_PATHS = [
  "authorization",
  "Authorization",
  "headers.authorization",
  "headers.Authorization",
  "*.headers.authorization",
  "*.headers.Authorization",
  "clientSecret",
  "client_secret",
  "accessToken",
  "access_token",
  "token",
  "*.clientSecret",
  "*.client_secret",
  "*.accessToken",
  "*.access_token",
  "*.token",
];

const SECRET_KEYS = new Set(["authorization", "Authorization", "clientSecret", "client_secret", "accessToken", "access_token", "token"]);
const CENSOR = "[redacted]";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Error);
}

/**
 * The paths above, checked by hand: a log object's own keys, one level down, and `headers` up to
 * two levels down. Copies only when something is censored. pino's wildcard redaction did the same
 * at about 20 µs a line; this costs well under one.
 */
export function redactSecrets(object: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const key in object) {
    const value = object[key];
    let replaced: unknown = value;
    if (SECRET_KEYS.has(key)) replaced = CENSOR;
    else if (isPlainObject(value)) replaced = redactNested(value, key === "headers" ? 0 : 1);
    if (replaced !== value) (out ??= { ...object })[key] = replaced;
  }
  return out ?? object;
}

/** Level 0 is `headers` at the top; level 1 is any other top-level object (only its own keys, and its `headers`). */
function redactNested(object: Record<string, unknown>, level: 0 | 1): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const key in object) {
    const value = object[key];
    let replaced: unknown = value;
    if (level === 0 ? key === "authorization" || key === "Authorization" : SECRET_KEYS.has(key)) replaced = CENSOR;
    else if (level === 1 && key === "headers" && isPlainObject(value)) replaced = redactNested(value, 0);
    if (replaced !== value) (out ??= { ...object })[key] = replaced;
  }
  return out ?? object;
}

/**
 * Structured JSON logs on stderr (fd 2): on stdio, stdout carries only JSON-RPC.
 * Tests pass their own destination to capture the lines.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      name: "zoom-mcp",
      level,
      base: undefined,
      formatters: { log: redactSecrets },
    },
    destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

/** A logger that drops everything, for library use and tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
