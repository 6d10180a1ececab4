/**
 * The spec-conformance run: for each tool, valid arguments from its full schema (required fields
 * only, or every field) go through a real MCP client to the real server, a permissive fake Zoom
 * records the request, and the request is validated against the spec operation the tool came from.
 */
import type { ToolSpec } from "../../src/tools/define.js";
import { startHarness, textOf, type Harness } from "./harness.js";
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

/** The fields of a multipart body as the spec validator sees them: a file part as "(binary)", a text part as its text. */
export function multipartFields(raw: string, contentType: string): Record<string, string> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const out: Record<string, string> = {};
  if (!boundary) return out;
  for (const part of raw.split(`--${boundary[1] ?? boundary[2]}`)) {
    const [head, ...rest] = part.split("\r\n\r\n");
    const name = /name="([^"]+)"/.exec(head ?? "")?.[1];
    if (!name) continue;
    out[name] = /filename="/.test(head!) ? "(binary)" : rest.join("\r\n\r\n").replace(/\r\n$/, "");
  }
  return out;
}

/**
 * Runs each fill for every tool through one server and one fake Zoom, and returns the verdicts per
 * fill. `toolsets` is the selection that serves the tools (the extended sets are opt-in).
 */
export async function runConformance<F extends Fill>(
  tools: readonly ToolSpec[],
  fills: readonly F[],
  corrections: Readonly<Record<F, Readonly<Record<string, Correction>>>>,
  { toolsets = "all" }: { readonly toolsets?: string } = {},
): Promise<Record<F, ToolVerdict[]>> {
  const h = await startHarness({ fakeOptions: { permissive: true }, config: { maxRetries: "0", toolsets } });
  const out = Object.fromEntries(fills.map((f) => [f, [] as ToolVerdict[]])) as Record<F, ToolVerdict[]>;
  try {
    for (const fill of fills) {
      for (const tool of tools) out[fill].push(await verdictFor(h, tool, fill, corrections[fill][tool.name]));
    }
  } finally {
    await h.close();
  }
  return out;
}

async function verdictFor(h: Harness, tool: ToolSpec, fill: Fill, fix: Correction | undefined): Promise<ToolVerdict> {
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
    return { tool: tool.name, fill, outcome: result.isError ? "refused" : "none", detail: [textOf(result).slice(0, 400), JSON.stringify(args).slice(0, 400)] };
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
    ...(multipart ? { body: multipartFields(request.rawBody, contentType) } : request.rawBody ? { body: request.body } : {}),
  };
  const verdict = await validateRequest(file, tool.method, tool.path, outgoing);
  const corrected = fix && !verdict.valid ? await validateRequest(file, tool.method, tool.path, outgoing, fix) : undefined;
  return { tool: tool.name, fill, outcome: verdict.valid ? "pass" : "reject", detail: verdict.errors, ...(corrected ? { corrected } : {}) };
}
