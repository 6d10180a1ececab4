/**
 * Reading an answer by its content type: JSON is parsed (with a nesting bound), a file (PDF, ZIP,
 * image, an attachment) is kept as bytes with its MIME type, and anything else where JSON was
 * expected (an HTML maintenance page, a cut-off JSON body) becomes a clear error showing its first bytes.
 */

export interface Answer {
  readonly response: Response;
  /** The whole body, already decompressed. */
  readonly body: Buffer;
}

export interface ZoomFile {
  readonly mimeType: string;
  readonly bytes: Buffer;
  /** From Content-Disposition, when Zoom names the file. */
  readonly fileName?: string;
}

export type Read =
  | { readonly kind: "empty" }
  | { readonly kind: "json"; readonly data: unknown }
  | { readonly kind: "file"; readonly file: ZoomFile }
  /** The text of an error answer that is not JSON (4xx/5xx only). */
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "bad"; readonly message: string };

/** Largest file passed back through MCP: its base64 must fit the 10 MiB a stdio message may carry. */
export const MAX_FILE_BYTES = 6 * 1024 * 1024;

/** Deeper than this, JSON cannot be shaped or sent back safely (serialisers recurse). Zoom's answers stay below 20. */
export const MAX_JSON_DEPTH = 256;

const JSON_TYPE = /^(application|text)\/([\w.+-]*\+)?json\b/i;
const TEXT_TYPE = /^(text\/|application\/(xml|xhtml|javascript|x-www-form-urlencoded)\b|[\w.+-]+\/[\w.+-]*\+xml\b)/i;

export function interpret(answer: Answer, method: string): Read {
  const { response, body } = answer;
  if (body.length === 0) return { kind: "empty" };
  const type = (response.headers.get("content-type") ?? "").trim();
  const ok = response.ok;
  const disposition = response.headers.get("content-disposition") ?? "";
  const attachment = /^\s*attachment\b/i.test(disposition);
  const looksJson = !type && /^\s*[[{]/.test(body.subarray(0, 64).toString("latin1"));

  if (JSON_TYPE.test(type) || looksJson) {
    const text = body.toString("utf8");
    const parsed = parseJson(text);
    if (parsed.ok) return { kind: "json", data: parsed.value };
    if (!ok) return { kind: "text", text: firstBytes(text) };
    return { kind: "bad", message: `Zoom answered HTTP ${response.status} with a body that is not usable JSON (${parsed.why}; ${body.length} bytes, content-type ${type || "none"}). It starts: ${quote(text)}${appliedNote(method)}` };
  }
  if (ok && type && (attachment || !TEXT_TYPE.test(type))) {
    return { kind: "file", file: { mimeType: type.split(";")[0]!.trim().toLowerCase(), bytes: body, ...fileName(disposition) } };
  }
  const text = body.toString("utf8");
  if (!ok) return { kind: "text", text: firstBytes(text) };
  const what = /html/i.test(type) || /^\s*<(!doctype|html)/i.test(text) ? "an HTML page" : `${type || "an untyped body"}`;
  return { kind: "bad", message: `Zoom answered HTTP ${response.status} with ${what} instead of JSON (${body.length} bytes). It starts: ${quote(text)}${appliedNote(method)}` };
}

function appliedNote(method: string): string {
  return method === "GET" || method === "HEAD" ? "" : ` The ${method} reached Zoom and may have been applied: check before calling again.`;
}

/** The first characters, on one line, for an error message. */
function firstBytes(text: string, max = 300): string {
  const line = text.slice(0, max * 2).replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

function quote(text: string): string {
  return JSON.stringify(firstBytes(text, 200));
}

function fileName(disposition: string): { fileName?: string } {
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  if (!m) return {};
  let name = m[1]!;
  try {
    name = decodeURIComponent(name);
  } catch {
    // keep it as sent
  }
  return { fileName: name.slice(0, 200) };
}

export type Parsed = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly why: string };

/** JSON.parse, refusing nesting deeper than MAX_JSON_DEPTH (which would overflow the serialisers' stack later). */
export function parseJson(text: string): Parsed {
  const depth = nestingBeyond(text, MAX_JSON_DEPTH);
  if (depth) return { ok: false, why: `nested more than ${MAX_JSON_DEPTH} levels deep` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, why: `invalid JSON: ${(error as Error).message.slice(0, 120)}` };
  }
}

/** True when brackets outside strings nest deeper than `limit`. One linear pass over char codes. */
function nestingBeyond(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped char
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > limit) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}
