/**
 * Builds request URLs. Each path parameter becomes exactly one percent-encoded segment, so no value
 * can change which endpoint is called.
 */

/**
 * Zoom asks for a meeting or webinar UUID that starts with `/` or contains `//` to be encoded twice;
 * every other value is encoded once (UUIDs may hold `+`, `/` and `=`).
 */
export function encodePathParam(value: string): string {
  const once = encodeURIComponent(value);
  return value.startsWith("/") || value.includes("//") ? encodeURIComponent(once) : once;
}

export class UnsafePathError extends Error {
  override name = "UnsafePathError";
}

/** Longest path parameter, in characters. Zoom's IDs, UUIDs and emails are far shorter; a longer one is a mistake. */
export const MAX_PATH_PARAM_CHARS = 1024;

/**
 * Fills `{name}` placeholders. Throws on a missing value, a dot segment (which URL parsing would
 * collapse), a value over MAX_PATH_PARAM_CHARS and a value that is not valid Unicode (a lone surrogate).
 */
export function fillPath(template: string, values: Readonly<Record<string, unknown>>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const raw = values[name];
    if (raw === undefined || raw === null || raw === "") {
      throw new UnsafePathError(`path parameter ${name} is missing`);
    }
    const value = String(raw);
    if (value === "." || value === "..") throw new UnsafePathError(`path parameter ${name} cannot be '${value}'`);
    if (value.length > MAX_PATH_PARAM_CHARS) {
      throw new UnsafePathError(`path parameter ${name} is ${value.length} characters long; the limit is ${MAX_PATH_PARAM_CHARS}. Pass the ID itself.`);
    }
    try {
      return encodePathParam(value);
    } catch {
      // encodeURIComponent throws URIError on a lone surrogate.
      throw new UnsafePathError(`path parameter ${name} is not valid Unicode (it holds a lone surrogate)`);
    }
  });
}

/** Joins a base URL (which may carry a path, like `/v2`) and a path template that starts with `/`. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, "") + path;
}

/** Query strings: arrays repeat as comma-separated values (Zoom's convention), objects are JSON. */
export function toSearchParams(query: Readonly<Record<string, unknown>>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) params.set(key, value.map(String).join(","));
    else if (typeof value === "object") params.set(key, JSON.stringify(value));
    else params.set(key, String(value));
  }
  return params;
}
