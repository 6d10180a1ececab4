/**
 * The spec-conformance run: for each tool, valid arguments from its full schema (required fields
 * only, or every field) go through a real MCP client to the real server, a permissive fake Zoom
 * records the request, and the request is validated against the spec operation the tool came from.
 */
import type { ToolSpec } from "../../src/tools/define.js";
import { startHarness, textOf } from "./harness.js";
import { sampleObject, type Fill } from "./sample-args.js";
import { validateRequest, type Correction } from "./spec-validator.js";

export interface ToolVerdict {
  readonly tool: string;
  readonly fill: Fill;
  /** pass: the request conforms; reject: the spec rejects it; refused: our own validation refused the sample; none: no request was sent. */
  readonly outcome: "pass" | "reject" | "refused" | "none";
  readonly detail: string[];
  /** When the tool has a named exception: the verdict against the operation with that spec defect corrected. */
  readonly corrected?: { readonly valid: boolean; readonly errors: string[] };
}

const CONTROLS = new Set(["fields", "all_pages", "max_items"]);

/** Form field names of a multipart body, as the spec validator sees them. */
function multipartFields(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of raw.matchAll(/name="([^"]+)"/g)) out[m[1]!] = "(binary)";
  return out;
}

export async function runConformance(tools: readonly ToolSpec[], fill: Fill, corrections: Readonly<Record<string, Correction>> = {}): Promise<ToolVerdict[]> {
  const h = await startHarness({ fakeOptions: { permissive: true }, config: { maxRetries: "0" } });
  const verdicts: ToolVerdict[] = [];
  try {
    for (const tool of tools) {
      const args = sampleObject(tool.inputSchema as Record<string, any>, fill, CONTROLS);
      if (tool.upload) {
        // Uploads take the file inline here; file_path is about local files, not about Zoom's spec.
        delete args.file_path;
        args.file_base64 = Buffer.from("sample file").toString("base64");
        args.file_name = "sample.png";
      }
      const before = h.fake.requests.length;
      const result = await h.call(tool.name, args);
      const sent = h.fake.requests.slice(before);
      if (sent.length === 0) {
        verdicts.push({ tool: tool.name, fill, outcome: result.isError ? "refused" : "none", detail: [textOf(result).slice(0, 400), JSON.stringify(args).slice(0, 400)] });
        continue;
      }
      const request = sent[0]!;
      const source = String((tool as { source?: string }).source ?? "");
      const file = source.split("#")[0]!;
      const contentType = String(request.headers["content-type"] ?? "");
      const multipart = contentType.startsWith("multipart/");
      const outgoing = {
        method: request.method,
        path: request.path,
        query: request.query,
        contentType: multipart ? "multipart/form-data" : "application/json",
        ...(multipart ? { body: multipartFields(request.rawBody) } : request.rawBody ? { body: request.body } : {}),
      };
      const verdict = await validateRequest(file, tool.method, tool.path, outgoing);
      const fix = corrections[tool.name];
      const corrected = fix && !verdict.valid ? await validateRequest(file, tool.method, tool.path, outgoing, fix) : undefined;
      verdicts.push({ tool: tool.name, fill, outcome: verdict.valid ? "pass" : "reject", detail: verdict.errors, ...(corrected ? { corrected } : {}) });
    }
  } finally {
    await h.close();
  }
  return verdicts;
}
