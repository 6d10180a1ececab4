/**
 * Every endpoint without a stateful handler: the body is checked against the tool's own schema, and
 * a valid call gets the documented success status with an example body of the right shape.
 */
import type { z } from "zod";
import { exampleResponses } from "../tools/generated/responses.js";
import { inputSchemaOf } from "../tools/registry.js";
import { validationFailed, type Handler } from "./http.js";

export const genericAnswer: Handler = (req) => {
  const { tool } = req;
  if (tool.bodyParams.length && tool.bodyEncoding !== "multipart") {
    const shape: Record<string, true> = {};
    const isRootBody = tool.bodyParams.length === 1 && tool.bodyParams[0]!.wire === "";
    for (const b of tool.bodyParams) shape[b.name] = true;
    const schema = inputSchemaOf(tool).pick(shape as never) as z.ZodObject;
    const args = isRootBody ? { [tool.bodyParams[0]!.name]: req.body } : renameToInput(tool.bodyParams, req.body);
    const parsed = schema.safeParse(args);
    if (!parsed.success) {
      throw validationFailed(parsed.error.issues.map((i) => ({ field: i.path.join(".") || "body", message: i.message })));
    }
  }
  const example = exampleResponses[tool.name];
  const status = example?.status ?? (tool.method === "POST" ? 201 : tool.method === "GET" ? 200 : 204);
  return { status, ...(status !== 204 && example?.example !== undefined ? { body: example.example } : {}) };
};

function renameToInput(placements: ReadonlyArray<{ name: string; wire?: string }>, body: unknown): Record<string, unknown> {
  const source = body && typeof body === "object" ? (body as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const p of placements) if ((p.wire ?? p.name) in source) out[p.name] = source[p.wire ?? p.name];
  return out;
}
