import { createRequire } from "node:module";
import type { DestinationStream, LogFn, Logger as PinoLogger } from "pino";

/** The part of a pino logger zoom-mcp writes through; any pino logger is one. */
export interface Logger {
  readonly debug: LogFn;
  readonly info: LogFn;
  readonly warn: LogFn;
  readonly error: LogFn;
}

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

type Method = keyof Logger;
const METHODS: readonly Method[] = ["debug", "info", "warn", "error"];
const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };
const noop = (() => undefined) as LogFn;

/** An info or debug line on the CLI's stderr logger waits at most this long for pino to load (see createLogger). */
export const DEFER_PINO_MS = 200;

/** pino is CommonJS, so it can be loaded synchronously whenever it is first needed (even in an exit handler). */
function loadPino(): typeof import("pino") {
  return createRequire(import.meta.url)("pino") as typeof import("pino");
}

function pinoLogger(level: string, destination: DestinationStream | undefined, time?: () => number | undefined): PinoLogger {
  const { pino } = loadPino();
  return pino(
    {
      name: "zoom-mcp",
      level,
      base: undefined,
      formatters: { log: redactSecrets },
      // Lines written before pino loaded keep the time they were logged at.
      ...(time ? { timestamp: () => `,"time":${time() ?? Date.now()}` } : {}),
    },
    destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

/**
 * Structured JSON logs on stderr (fd 2): on stdio, stdout carries only JSON-RPC. Tests pass their
 * own destination to capture the lines; such a logger is pino from the start.
 *
 * The CLI's stderr logger does not import pino (a tenth of a cold start) until it is needed: a
 * warning or an error loads it at once; info and debug lines wait, in order and with the time they
 * were logged at, until DEFER_PINO_MS after the first of them, or until the process exits. So a start
 * serves its first requests before pino loads, and no line is lost or reordered. Lines at a level
 * below `level` cost nothing either way.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const threshold = LEVELS[level] ?? LEVELS.info!;
  if (threshold === Infinity) return silentLogger();
  if (destination) return pinoLogger(level, destination);
  let real: PinoLogger | undefined;
  let pending: Array<[Method, number, unknown[]]> = [];
  let timer: NodeJS.Timeout | undefined;
  let replaying: number | undefined;
  const facade = {} as Record<Method, LogFn>;
  const load = (): PinoLogger => {
    if (real) return real;
    clearTimeout(timer);
    process.off("exit", load);
    real = pinoLogger(level, undefined, () => replaying);
    for (const [method, time, args] of pending) {
      replaying = time;
      (real[method] as (...a: unknown[]) => void)(...args);
    }
    replaying = undefined;
    pending = [];
    for (const method of METHODS) facade[method] = LEVELS[method]! < threshold ? noop : real[method].bind(real);
    return real;
  };
  for (const method of METHODS) {
    facade[method] =
      LEVELS[method]! < threshold
        ? noop
        : (((...args: unknown[]) => {
            if (!real && LEVELS[method]! < LEVELS.warn!) {
              pending.push([method, Date.now(), args]);
              if (!timer) {
                timer = setTimeout(load, DEFER_PINO_MS).unref();
                process.once("exit", load);
              }
              return;
            }
            (load()[method] as (...a: unknown[]) => void)(...args);
          }) as LogFn);
  }
  return facade;
}

const SILENT: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** A logger that drops everything, for library use and tests that do not look at logs. */
export function silentLogger(): Logger {
  return SILENT;
}
