/**
 * Every endpoint without a stateful handler: the body is checked against the tool's own schema, and
 * a valid call gets the documented success status with an example body of the right shape, marked
 * as an example so the tool result says that no state was kept.
 */
import type { JsonSchema, ToolSpec } from "../tools/define.js";
import { validateArgs } from "../tools/validate.js";
import type { ExampleResponses } from "./examples.js";
import { validationFailed, type Handler } from "./http.js";

export function genericAnswer(examples: ExampleResponses): Handler {
  const bodySchemas = new WeakMap<ToolSpec, JsonSchema>();
  return (req) => {
    const { tool } = req;
    if (tool.bodyParams.length && tool.bodyEncoding !== "multipart") {
      let schema = bodySchemas.get(tool);
      if (!schema) bodySchemas.set(tool, (schema = bodySchemaOf(tool)));
      const isRootBody = tool.bodyParams.length === 1 && tool.bodyParams[0]!.wire === "";
      const args = isRootBody ? { [tool.bodyParams[0]!.name]: req.body } : renameToInput(tool.bodyParams, req.body);
      const parsed = validateArgs({ pathParams: [], inputSchema: schema }, args);
      if (!parsed.ok) {
        throw validationFailed(parsed.error.issues.map((i) => ({ field: i.path.join(".") || "body", message: i.message })));
      }
    }
    const example = examples[tool.name];
    const status = example?.status ?? (tool.method === "POST" ? 201 : tool.method === "GET" ? 200 : 204);
    return { status, example: true, ...(status !== 204 && example?.example !== undefined ? { body: lastPageAfterToken(example.example, req.query) } : {}) };
  };
}

/**
 * The example is the first page. A request that carries a next_page_token gets a last page (no
 * items, no token), so paging through a generic list ends instead of repeating the example token.
 */
function lastPageAfterToken(example: unknown, query: Readonly<Record<string, string>>): unknown {
  if (!query.next_page_token || !example || typeof example !== "object" || Array.isArray(example) || !("next_page_token" in example)) return example;
  const page: Record<string, unknown> = { ...example, next_page_token: "" };
  for (const [key, value] of Object.entries(page)) if (Array.isArray(value)) page[key] = [];
  return page;
}

/** The part of the tool's input schema that is the request body. */
function bodySchemaOf(tool: ToolSpec): JsonSchema {
  const all = (tool.inputSchema.properties ?? {}) as Record<string, JsonSchema>;
  const names = new Set(tool.bodyParams.map((b) => b.name));
  const required = ((tool.inputSchema.required ?? []) as string[]).filter((n) => names.has(n));
  return {
    type: "object",
    properties: Object.fromEntries(Object.entries(all).filter(([n]) => names.has(n))),
    ...(required.length ? { required } : {}),
    additionalProperties: false,
  };
}

function renameToInput(placements: ReadonlyArray<{ name: string; wire?: string }>, body: unknown): Record<string, unknown> {
  const source = body && typeof body === "object" ? (body as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const p of placements) if ((p.wire ?? p.name) in source) out[p.name] = source[p.wire ?? p.name];
  return out;
}
