import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

/** Every place a secret can sit in a log object; pino replaces each with `[redacted]`. */
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
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    },
    destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

/** A logger that drops everything, for library use and tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
