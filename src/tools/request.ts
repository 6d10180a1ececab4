/** From validated arguments to the HTTP request: path, query and body placed as the tool's data says. */
import { basename, extname } from "node:path";
import type { ZoomRequest } from "../http/client.js";
import { fillPath, toSearchParams } from "../http/url.js";
import type { ToolSpec } from "./define.js";
import { FileAccessError, readConfinedFile, type FileAccess } from "./files.js";

/** Largest file an upload tool reads from disk or accepts as base64. */
const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

/** Local files are refused unless the caller says where uploads may come from. */
const NO_FILES: FileAccess = { disabledReason: "no upload directory is configured" };

export async function buildRequest(tool: ToolSpec, args: Readonly<Record<string, unknown>>, files: FileAccess = NO_FILES): Promise<ZoomRequest> {
  const path = fillPath(tool.path, args);
  const query: Record<string, unknown> = {};
  for (const q of tool.queryParams) if (args[q.name] !== undefined) query[q.wire ?? q.name] = args[q.name];
  const request: { -readonly [K in keyof ZoomRequest]: ZoomRequest[K] } = { method: tool.method, path };
  if (Object.keys(query).length) request.query = toSearchParams(query);

  if (tool.bodyEncoding === "multipart" && tool.upload) {
    request.form = await uploadForm(tool.upload.formField, tool.bodyParams, args, files);
  } else if (tool.bodyParams.length === 1 && tool.bodyParams[0]!.wire === "") {
    request.json = args[tool.bodyParams[0]!.name];
  } else if (tool.bodyParams.length) {
    const body: Record<string, unknown> = {};
    for (const b of tool.bodyParams) if (args[b.name] !== undefined) body[b.wire ?? b.name] = args[b.name];
    request.json = body;
  }
  return request;
}

export class UploadError extends Error {}

const MIME: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".bmp": "image/bmp",
  ".mp4": "video/mp4",
  ".mov": "video/quicktime",
};

async function uploadForm(formField: string, fields: ToolSpec["bodyParams"], args: Readonly<Record<string, unknown>>, files: FileAccess): Promise<FormData> {
  const filePath = args.file_path as string | undefined;
  const base64 = args.file_base64 as string | undefined;
  if (!filePath === !base64) throw new UploadError("give exactly one of file_path or file_base64");
  let bytes: Buffer;
  let name = args.file_name as string | undefined;
  if (filePath) {
    try {
      bytes = await readConfinedFile(filePath, files, MAX_UPLOAD_BYTES);
    } catch (error) {
      if (error instanceof FileAccessError) throw new UploadError(error.message);
      throw error;
    }
    name ??= basename(filePath);
  } else {
    if (!name) throw new UploadError("file_name: required with file_base64");
    bytes = Buffer.from(base64!, "base64");
    if (bytes.length === 0) throw new UploadError("file_base64: not valid base64 content");
    if (bytes.length > MAX_UPLOAD_BYTES) throw new UploadError(`file_base64: the file is ${bytes.length} bytes; the limit is ${MAX_UPLOAD_BYTES}`);
  }
  const form = new FormData();
  // The form's other fields go first, as text: scalars as they print, anything else as JSON.
  for (const f of fields) {
    const value = args[f.name];
    if (value !== undefined) form.append(f.wire ?? f.name, typeof value === "object" && value !== null ? JSON.stringify(value) : String(value));
  }
  form.set(formField, new Blob([bytes], { type: MIME[extname(name!).toLowerCase()] ?? "application/octet-stream" }), name!);
  return form;
}
