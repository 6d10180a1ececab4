/**
 * The string patterns the catalog's schemas use for Zoom facts that plain JSON Schema types would
 * lose, each with the message a caller sees when a value does not match. The generator writes the
 * patterns into the catalog JSON; the validator turns a mismatch back into the message.
 */
export interface NamedPattern {
  readonly pattern: string;
  readonly message: string;
}

export const PATTERNS = {
  /**
   * One URL path segment: an ID, an email or a UUID. `.`, `..`, a `../` anywhere and control
   * characters could rewrite the path even after percent-encoding.
   */
  pathId: {
    pattern: "^(?!\\.{1,2}$)(?!(?:.*[/\\\\])?\\.\\.(?:[/\\\\]|$))[^\\x00-\\x1f\\x7f]+$",
    message: "must be a single ID: '.', '..', '../' and control characters are not allowed",
  },
  /** Zoom's int64 IDs as a string of digits, which keeps full precision past 2^53. */
  digits: { pattern: "^\\d{1,20}$", message: "must be a string of digits" },
  /** Integers too large for a JavaScript number (plan codes reach 2^59), signed. */
  signedDigits: { pattern: "^-?\\d{1,20}$", message: "must be a string of digits" },
  /** Calendar dates such as 2026-01-31. */
  date: { pattern: "^\\d{4}-\\d{2}-\\d{2}$", message: "must be a date in yyyy-MM-dd form" },
} as const satisfies Record<string, NamedPattern>;

/**
 * Length limits for strings the spec leaves unbounded, so that no input can make a request (or the
 * messages that echo it) arbitrarily large. Validation applies them; the spec's own limits win, and
 * the catalog and the advertised schema stay as the spec has them.
 */
export const DEFAULT_LIMITS = {
  /** Path parameters, IDs and query values: Zoom's IDs are at most a few dozen characters. */
  id: 1024,
  /** Free text in a body (topics, agendas, messages): well above any text field Zoom documents. */
  text: 10_000,
} as const;

const byPattern = new Map<string, string>(Object.values(PATTERNS).map((p) => [p.pattern, p.message]));

/** Our message for a value that does not match `pattern`, when it is one of ours. */
export function patternMessage(pattern: string): string | undefined {
  return byPattern.get(pattern);
}
