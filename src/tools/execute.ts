/**
 * The one generic handler: validate the arguments with the tool's own zod schema, split them into
 * path, query and body as the tool's data says, and send the call through the HTTP core.
 */
import { readFile, stat } from "node:fs/promises";
import { basename, extname } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { ZoomClient, ZoomRequest } from "../http/client.js";
import { fillPath, toSearchParams, UnsafePathError } from "../http/url.js";
import type { Logger } from "../logger.js";
import type { ToolSpec } from "./define.js";
import { inputSchemaOf } from "./registry.js";
import { failureResult, successResult, textResult, validationResult } from "./result.js";

export interface ExecuteContext {
  readonly client: ZoomClient;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
  /** Reports long waits (rate-limit backoff) to the client as progress. */
  readonly onProgress?: (message: string) => void;
}

/** Largest file an upload tool reads from disk or accepts as base64. */
const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

export async function executeTool(tool: ToolSpec, rawArgs: unknown, ctx: ExecuteContext): Promise<CallToolResult> {
  const parsed = inputSchemaOf(tool).safeParse(rawArgs ?? {});
  if (!parsed.success) {
    ctx.logger.info({ tool: tool.name, issues: parsed.error.issues.length }, "rejected invalid arguments");
    return validationResult(tool, parsed.error);
  }
  const args = parsed.data as Record<string, unknown>;

  let request: ZoomRequest;
  try {
    request = await buildRequest(tool, args);
  } catch (error) {
    if (error instanceof UnsafePathError || error instanceof UploadError) {
      return textResult(`Invalid arguments for ${tool.name}; nothing was sent to Zoom.\n- ${error.message}`, true);
    }
    throw error;
  }

  const started = performance.now();
  const outcome = await ctx.client.send(request, {
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    onWait: (ms, reason) => ctx.onProgress?.(`${reason} in ${(ms / 1000).toFixed(1)} s`),
  });
  ctx.logger.info(
    {
      tool: tool.name,
      method: tool.method,
      path: tool.path,
      status: outcome.ok ? outcome.status : (outcome.status ?? outcome.kind),
      durationMs: Math.round(performance.now() - started),
      retries: outcome.retries,
    },
    "tool call",
  );
  return outcome.ok ? successResult(tool, request.path, outcome) : failureResult(tool, outcome);
}

export async function buildRequest(tool: ToolSpec, args: Readonly<Record<string, unknown>>): Promise<ZoomRequest> {
  const path = fillPath(tool.path, args);
  const query: Record<string, unknown> = {};
  for (const q of tool.queryParams) if (args[q.name] !== undefined) query[q.wire ?? q.name] = args[q.name];
  const request: { -readonly [K in keyof ZoomRequest]: ZoomRequest[K] } = { method: tool.method, path };
  if (Object.keys(query).length) request.query = toSearchParams(query);
  if (tool.baseUrl) request.baseUrl = tool.baseUrl;

  if (tool.bodyEncoding === "multipart" && tool.upload) {
    request.form = await uploadForm(tool.upload.formField, args);
  } else if (tool.bodyParams.length === 1 && tool.bodyParams[0]!.wire === "") {
    request.json = args[tool.bodyParams[0]!.name];
  } else if (tool.bodyParams.length) {
    const body: Record<string, unknown> = {};
    for (const b of tool.bodyParams) if (args[b.name] !== undefined) body[b.wire ?? b.name] = args[b.name];
    request.json = body;
  }
  return request;
}

class UploadError extends Error {}

const MIME: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".bmp": "image/bmp",
  ".mp4": "video/mp4",
  ".mov": "video/quicktime",
};

async function uploadForm(formField: string, args: Readonly<Record<string, unknown>>): Promise<FormData> {
  const filePath = args.file_path as string | undefined;
  const base64 = args.file_base64 as string | undefined;
  if (!filePath === !base64) throw new UploadError("give exactly one of file_path or file_base64");
  let bytes: Buffer;
  let name = args.file_name as string | undefined;
  if (filePath) {
    const info = await stat(filePath).catch(() => undefined);
    if (!info?.isFile()) throw new UploadError(`file_path: no readable file at ${filePath}`);
    if (info.size > MAX_UPLOAD_BYTES) throw new UploadError(`file_path: the file is ${info.size} bytes; the limit is ${MAX_UPLOAD_BYTES}`);
    bytes = await readFile(filePath);
    name ??= basename(filePath);
  } else {
    if (!name) throw new UploadError("file_name: required with file_base64");
    bytes = Buffer.from(base64!, "base64");
    if (bytes.length === 0) throw new UploadError("file_base64: not valid base64 content");
    if (bytes.length > MAX_UPLOAD_BYTES) throw new UploadError(`file_base64: the file is ${bytes.length} bytes; the limit is ${MAX_UPLOAD_BYTES}`);
  }
  const form = new FormData();
  form.set(formField, new Blob([bytes], { type: MIME[extname(name!).toLowerCase()] ?? "application/octet-stream" }), name!);
  return form;
}
