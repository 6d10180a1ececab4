/** What a sandbox handler receives and returns, and Zoom's error and paging conventions. */
import type { ToolSpec } from "../tools/define.js";
import type { Rng, SandboxState } from "./state.js";

export interface SandboxRequest {
  readonly tool: ToolSpec;
  /** Decoded path parameters by name. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export interface SandboxResponse {
  readonly status: number;
  readonly body?: unknown;
  /** A generated example, not read from or written to the state: the result says so. */
  readonly example?: boolean;
}

export interface HandlerContext {
  readonly state: SandboxState;
  readonly rng: Rng;
  readonly now: number;
}

export type Handler = (req: SandboxRequest, ctx: HandlerContext) => SandboxResponse;

/**
 * Handlers keyed by `METHOD /path/template` exactly as the catalog spells the endpoint (e.g.
 * `GET /groups/{groupId}/members`): independent of tool names, which may change.
 */
export type HandlerTable = Readonly<Record<string, Handler>>;

export const endpointKey = (method: string, path: string): string => `${method.toUpperCase()} ${path}`;

/** A Zoom error answer: HTTP status, Zoom code, message and optional field errors. */
export class ZoomError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: ReadonlyArray<{ field: string; message: string }>,
  ) {
    super(message);
  }

  toBody() {
    return { code: this.code, message: this.message, ...(this.errors ? { errors: this.errors } : {}) };
  }
}

export const validationFailed = (errors: Array<{ field: string; message: string }>) => new ZoomError(400, 300, "Validation Failed.", errors);

export const ok = (body?: unknown, status = 200): SandboxResponse => ({ status, ...(body !== undefined ? { body } : {}) });
export const created = (body: unknown): SandboxResponse => ({ status: 201, body });
export const noContent = (): SandboxResponse => ({ status: 204 });

/**
 * Zoom's paging: `page_size` (default 30, at most `max`) and an opaque `next_page_token` that
 * repeats the same query; an empty token marks the last page.
 */
export function page<T>(items: readonly T[], query: Readonly<Record<string, string>>, key: string, max = 300): Record<string, unknown> {
  const size = Math.min(Math.max(Number(query.page_size ?? 30) || 30, 1), max);
  let offset = 0;
  if (query.next_page_token) {
    try {
      offset = (JSON.parse(Buffer.from(query.next_page_token, "base64url").toString("utf8")) as { o: number }).o;
    } catch {
      offset = -1;
    }
    if (!Number.isInteger(offset) || offset < 0 || offset > items.length) throw validationFailed([{ field: "next_page_token", message: "Invalid next_page_token." }]);
  }
  const slice = items.slice(offset, offset + size);
  const more = offset + size < items.length;
  return {
    page_size: size,
    total_records: items.length,
    next_page_token: more ? Buffer.from(JSON.stringify({ o: offset + size })).toString("base64url") : "",
    [key]: slice,
  };
}

/** Keeps the request's own fields only, as Zoom's PATCH does: undefined leaves a value alone. */
export function merge<T extends Record<string, unknown>>(target: T, patch: unknown): T {
  if (!patch || typeof patch !== "object") return target;
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    const current = target[k];
    if (v && typeof v === "object" && !Array.isArray(v) && current && typeof current === "object" && !Array.isArray(current)) {
      merge(current as Record<string, unknown>, v);
    } else {
      (target as Record<string, unknown>)[k] = v;
    }
  }
  return target;
}
