/**
 * Schema building blocks shared by the generated tool modules. Each one encodes a Zoom fact
 * that plain JSON Schema types would lose.
 */
import { z } from "zod";

/** `.`, `..` and control characters could rewrite a URL path even after percent-encoding. */
const UNSAFE_SEGMENT = /^\.{1,2}$|(^|[/\\])\.\.([/\\]|$)|[\u0000-\u001f\u007f]/;

/**
 * A string that becomes one URL path segment: an ID, an email or a UUID. A number is taken as its
 * digits, since agents often pass back a numeric ID from an earlier answer.
 */
export function pathString(description: string) {
  return z
    .preprocess(
      (v) => (typeof v === "number" && Number.isSafeInteger(v) ? String(v) : v),
      z
        .string()
        .min(1)
        .refine((v) => !UNSAFE_SEGMENT.test(v), {
          message: "must be a single ID: '.', '..', '../' and control characters are not allowed",
        }),
    )
    .describe(description);
}

/**
 * Zoom's int64 IDs (meeting and webinar IDs can exceed 10 digits). Accepts a JSON integer or a
 * string of digits; a string keeps full precision past 2^53.
 */
export function int64Id(description: string) {
  return z
    .union([z.int().nonnegative(), z.string().regex(/^\d{1,20}$/, "must be a string of digits")])
    .describe(description);
}

/** Calendar dates such as `2026-01-31` (the spec's `format: date` and its non-standard `type: date`). */
export function isoDate() {
  return z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date in yyyy-MM-dd form");
}

/** Integers too large for a JavaScript number (Zoom's plan codes reach 2^59): a digit string keeps them exact. */
export function bigInt() {
  return z.union([z.int(), z.string().regex(/^-?\d{1,20}$/, "must be a string of digits")]);
}
