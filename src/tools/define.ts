import OVERRIDES from "./annotation-overrides.json" with { type: "json" };

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type RateLimitLabel = "Light" | "Medium" | "Heavy" | "Resource-intensive";

/** A JSON Schema document or node, as the catalog stores it. */
export type JsonSchema = Record<string, unknown>;

/** Where one input field goes on the wire. `wire` is set only when it differs from the input name. */
export interface FieldPlacement {
  readonly name: string;
  readonly wire?: string;
}

/**
 * One Zoom endpoint as data, as a catalog entry (src/catalog/<toolset>.json) holds it. Everything
 * needed to validate, route and document a call lives here; one generic executor
 * (src/tools/execute.ts) runs every tool.
 */
export interface ToolSpec {
  /** snake_case, verb first, unique; see scripts/naming.ts for the rule. */
  readonly name: string;
  /** Earlier names of this tool (see docs/tool-renames.md). They keep working everywhere a name is taken, and are never listed. */
  readonly aliases?: readonly string[];
  /** Absent for a catalog tool; `extended` or `master_account` for the opt-in sets beyond it. */
  readonly set?: "extended" | "master_account";
  /** Input field names, where the schema is not read yet (extended tools): what search indexes. */
  readonly searchParams?: readonly string[];
  /** The catalog title. */
  readonly title: string;
  /** Catalog section as an id, e.g. `meetings`, `phone_call_queues`. */
  readonly toolset: string;
  readonly method: HttpMethod;
  /** Path template below the API base, e.g. `/meetings/{meetingId}/livestream`. */
  readonly path: string;
  readonly description: string;
  /** OAuth scopes, any one of which grants access (classic and granular). */
  readonly scopes: readonly string[];
  /** Zoom's rate-limit label for this endpoint, when the spec gives one. */
  readonly rateLimit?: RateLimitLabel | null;
  /** The endpoint exists only in Zoom's 2021 spec; Zoom may have retired it. */
  readonly legacy?: boolean;
  readonly pathParams: readonly string[];
  readonly queryParams: readonly FieldPlacement[];
  readonly bodyParams: readonly FieldPlacement[];
  /** `json` (default) or `multipart` for file uploads. */
  readonly bodyEncoding?: "json" | "multipart";
  /** For multipart uploads: the form field that carries the file. */
  readonly upload?: { readonly formField: string } | null;
  /** The list pages with `next_page_token`. */
  readonly paginated?: boolean;
  /** Set where the title's verb decides over the method (a PATCH that cancels a plan, a DELETE that only recovers). */
  readonly destructive?: boolean;
  /**
   * The full input JSON Schema: the one arguments are validated against, with every constraint
   * and every description we have. tools/list serves a lighter form (src/catalog/advertise.ts).
   */
  readonly inputSchema: JsonSchema;
  /**
   * The schema tools/list serves: `advertisedSchema(inputSchema)` (src/catalog/advertise.ts). The
   * catalog stores it, computed by the generator; a tool without it gets it computed when listed.
   */
  readonly listedSchema?: JsonSchema;
  /**
   * `listedSchema` as JSON text, where the catalog keeps it so (the start index, src/catalog/load.ts):
   * a listing can then be written without parsing and serialising it again (src/tools/listing-text.ts).
   */
  readonly listedSchemaText?: string;
}

export interface ToolAnnotations {
  readonly title: string;
  readonly readOnlyHint: boolean;
  readonly destructiveHint?: boolean;
  readonly idempotentHint?: boolean;
  readonly openWorldHint: boolean;
}

interface AnnotationOverride {
  readonly destructiveHint?: boolean;
  readonly confirm?: boolean;
  readonly reason: string;
}

/** Tools whose meaning differs from their method (src/tools/annotation-overrides.json), each with its reason. */
export const ANNOTATION_OVERRIDES: Readonly<Record<string, AnnotationOverride>> = (OVERRIDES as { tools: Record<string, AnnotationOverride> }).tools;

/**
 * The one place annotations come from: GET reads, DELETE destroys, PUT and DELETE are idempotent,
 * and every tool talks to Zoom (an open world). An override in the data wins, e.g. a PATCH that
 * cancels a plan is destructive.
 */
export function annotationsFor(spec: Pick<ToolSpec, "method" | "title"> & { readonly name?: string; readonly destructive?: boolean }): ToolAnnotations {
  if (spec.method === "GET") {
    return { title: spec.title, readOnlyHint: true, openWorldHint: true };
  }
  const override = spec.name !== undefined ? ANNOTATION_OVERRIDES[spec.name] : undefined;
  return {
    title: spec.title,
    readOnlyHint: false,
    destructiveHint: override?.destructiveHint ?? spec.destructive ?? spec.method === "DELETE",
    idempotentHint: spec.method === "PUT" || spec.method === "DELETE",
    openWorldHint: true,
  };
}

/** Calls the user confirms first, when the client can ask them: every DELETE, and the overrides marked `confirm`. */
export function needsConfirmation(spec: Pick<ToolSpec, "method" | "name">): boolean {
  return spec.method === "DELETE" || ANNOTATION_OVERRIDES[spec.name]?.confirm === true;
}

/** The listing entry for `zoom-mcp tools` and for tests: facts only, no schema. */
export function describeForListing(tool: ToolSpec) {
  return {
    name: tool.name,
    aliases: tool.aliases ?? [],
    title: tool.title,
    toolset: tool.toolset,
    ...(tool.set ? { set: tool.set } : {}),
    method: tool.method,
    path: tool.path,
    scopes: tool.scopes,
    rateLimit: tool.rateLimit ?? null,
    legacy: tool.legacy ?? false,
    annotations: annotationsFor(tool),
  };
}

/** Tools by name and by earlier name (alias); a current name always wins over an alias. */
export function toolsByName(tools: readonly ToolSpec[]): Map<string, ToolSpec> {
  const byName = new Map(tools.map((t) => [t.name, t]));
  for (const tool of tools) for (const alias of tool.aliases ?? []) if (!byName.has(alias)) byName.set(alias, tool);
  return byName;
}
