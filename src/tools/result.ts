/**
 * Turning HTTP outcomes and validation failures into MCP tool results: successes shaped to fit
 * the size cap with a note that says exactly how to get what was left out, writes confirmed with
 * what was sent, failures with Zoom's status, code and a hint. Echoed values are clipped.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import { CREDENTIALS, joinNames } from "../config.js";
import type { ZoomFailure, ZoomRequest, ZoomSuccess } from "../http/client.js";
import { parseFieldList, type Controls } from "./controls.js";
import type { ToolSpec } from "./define.js";
import { Sizes } from "./measure.js";
import { itemsKey, type Collected, type PageMark } from "./paginate.js";
import { clip, clipWords, cutText, fitJson, listForNote, MAX_NOTE, projectFields, type Drop } from "./shaping.js";

export function textResult(text: string, isError = false): CallToolResult {
  return { content: [{ type: "text", text }], ...(isError ? { isError: true } : {}) };
}

/** Zoom codes that mean the token lacks a scope this tool needs. */
const SCOPE_CODES = new Set([4711, 4700]);

/** Longest echoed message (Zoom's or ours) in a failure, in characters. */
const MAX_MESSAGE = 1000;
/** Field errors listed in a failure. */
const MAX_FIELD_ERRORS = 20;

export function failureResult(tool: ToolSpec, outcome: ZoomFailure): CallToolResult {
  const message = cutText(clipWords(String(outcome.message)), MAX_MESSAGE);
  const head =
    (outcome.kind === "http" || outcome.kind === "rate_limit") && outcome.status !== undefined
      ? `Zoom returned HTTP ${outcome.status}${outcome.code !== undefined ? `, code ${outcome.code}` : ""}: ${message}`
      : message;
  const lines = [head];
  const fieldErrors = outcome.fieldErrors ?? [];
  for (const e of fieldErrors.slice(0, MAX_FIELD_ERRORS)) {
    lines.push(`- ${clip(String(e.field ?? "(body)"))}: ${cutText(clipWords(String(e.message ?? "invalid")), 200)}`);
  }
  if (fieldErrors.length > MAX_FIELD_ERRORS) lines.push(`- and ${fieldErrors.length - MAX_FIELD_ERRORS} more`);
  const hint = hintFor(tool, outcome);
  if (hint) lines.push(`Hint: ${hint}`);
  if (outcome.trackingId) lines.push(`Zoom tracking ID: ${clip(outcome.trackingId)}`);
  return textResult(lines.join("\n"), true);
}

function hintFor(tool: ToolSpec, outcome: ZoomFailure): string | undefined {
  const scopeError = (outcome.code !== undefined && SCOPE_CODES.has(outcome.code)) || /does not contain scopes/i.test(outcome.message);
  if (scopeError) {
    return `the app's token lacks a scope this tool needs. Add one of these scopes to the Zoom app and re-activate it: ${tool.scopes.join(", ")}.`;
  }
  if (outcome.kind !== "http") return undefined;
  switch (outcome.status) {
    case 400:
      return outcome.code === 300 || outcome.fieldErrors?.length ? "fix the fields named above and call again." : undefined;
    case 401:
      if (outcome.tokenState === "static") {
        return `Zoom rejected ${CREDENTIALS.token}. zoom-mcp cannot renew a fixed token: it may have expired (Zoom tokens last about an hour) or been revoked. Set a new ${CREDENTIALS.token}, or set ${joinNames(CREDENTIALS.s2s)} so zoom-mcp fetches tokens itself.`;
      }
      if (outcome.tokenState === "held") {
        return "Zoom keeps rejecting freshly fetched tokens, so zoom-mcp is holding back further token requests for a while. Check that the app is activated and its credentials and scopes are right.";
      }
      return "Zoom rejected the access token even after a refresh. Check the app's credentials and that it is activated.";
    case 403:
      return "the account or user lacks permission or the plan for this feature.";
    case 404:
      return "check the IDs in the call; the resource may not exist, may have expired, or may belong to another account.";
    case 409:
      return "the resource already exists or is in a conflicting state.";
    default:
      return outcome.status !== undefined && outcome.status >= 500
        ? `Zoom had a server error.${tool.method === "POST" || tool.method === "PATCH" ? " It was not retried, so the change may or may not have been applied: check before calling again." : ""}`
        : undefined;
  }
}

/** One line per problem, naming the field, so an agent can fix its call. */
export function validationResult(tool: Pick<ToolSpec, "name">, error: z.ZodError): CallToolResult {
  const lines = error.issues.slice(0, MAX_FIELD_ERRORS).map((issue) => {
    const where = issue.path.length ? clip(issue.path.map(String).join(".")) : "(arguments)";
    return `- ${where}: ${cutText(clipWords(issueMessage(issue)), 300)}`;
  });
  if (error.issues.length > MAX_FIELD_ERRORS) lines.push(`- and ${error.issues.length - MAX_FIELD_ERRORS} more`);
  return textResult(`Invalid arguments for ${tool.name}; nothing was sent to Zoom.\n${lines.join("\n")}\nCheck the tool's input schema, fix the arguments and call again.`, true);
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type" && /received undefined/.test(issue.message)) return `required (${issue.expected} expected)`;
  if (issue.code === "unrecognized_keys") return `unknown field(s) ${listForNote(issue.keys.map((k) => JSON.stringify(k)))}`;
  if (issue.code === "invalid_value") return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  return issue.message;
}

const NOTE_PREFIX = "[zoom-mcp] ";

/** A tool's successful answer, shaped: `fields` applied, cut to `maxChars` in all, with a note saying what was left out. */
export async function successResult(
  tool: ToolSpec,
  request: ZoomRequest,
  outcome: ZoomSuccess,
  controls: Controls,
  collected: Collected | undefined,
  maxChars: number,
): Promise<CallToolResult> {
  const notes = [...(collected?.notes ?? []), ...(collected?.resume ? [collected.resume] : [])];
  if (outcome.data === undefined || outcome.data === "") return withNotes(confirmation(tool, request, outcome.status), notes, maxChars);
  if (typeof outcome.data === "string") return textWithinCap(outcome.data, notes, maxChars);

  const paths = parseFieldList(controls.fields);
  const projected = projectFields(outcome.data, paths);
  if (projected.unmatched.length) {
    const keys = topLevelKeys(outcome.data);
    notes.push(`\`fields\`: nothing matched ${listForNote(projected.unmatched.map((p) => `\`${p}\``), 5, 200)}. ${keys.length ? `Top-level keys: ${listForNote(keys, 30, 500)}.` : "The answer has no keys to pick."}`);
  }
  const data = projected.data;
  const page = data && typeof data === "object" && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
  const key = collected?.paging?.key ?? (tool.paginated && page ? itemsKey(page) : undefined);
  const marks = collected?.paging?.marks ?? [];
  const sizes = new Sizes();
  // Room for swapping next_page_token for the token of a page boundary.
  const reserve = Math.max(0, ...marks.map((m) => (m.token ? sizes.string(m.token) : 0)));
  const round = marks.length > 1 ? (kept: number) => boundaryAtOrBelow(marks, kept) || kept : undefined;
  const fitted = await fitJson(data, maxChars - noteRoom(notes), {
    cutTo: maxChars - MAX_NOTE - 1,
    ...(key ? { items: { key, reserve, ...(round ? { round } : {}) } } : {}),
  });
  if (!fitted.drops.length) return withNotes(textResult(fitted.text), notes, maxChars);

  let text = fitted.text;
  // Past this point the cap decides where the token resumes.
  if (collected?.resume && fitted.drops.some((d) => d.kind === "items" && d.path === key)) notes.splice(notes.indexOf(collected.resume), 1);
  const itemsCut = key ? fitted.drops.find((d): d is Extract<Drop, { kind: "items" }> => d.kind === "items" && d.path === key) : undefined;
  const others = fitted.drops.filter((d) => d !== itemsCut);
  const cutNotes: string[] = [];
  if (itemsCut && fitted.value && typeof fitted.value === "object" && page && "next_page_token" in page) {
    const shown = { ...(fitted.value as Record<string, unknown>) };
    const boundary = marks.findIndex((m, i) => i > 0 && m.start === itemsCut.kept);
    if (boundary > 0) {
      shown.next_page_token = marks[boundary]!.token ?? "";
      cutNotes.push(`The size cap kept the first ${boundary} page(s): ${itemsCut.kept} of the ${itemsCut.total} items fetched. The result's next_page_token resumes right after them, at item ${itemsCut.kept + 1}.`);
    } else {
      delete shown.next_page_token;
      cutNotes.push(`The size cap kept ${itemsCut.kept} of ${itemsCut.total} items in \`${clip(key!)}\`. next_page_token was removed: it would skip the ${itemsCut.total - itemsCut.kept} left out. ${restOfPage(tool, itemsCut.kept, !!collected)}`);
    }
    text = JSON.stringify(shown);
  } else if (itemsCut) {
    cutNotes.push(`The size cap kept ${itemsCut.kept} of ${itemsCut.total} items in \`${clip(key!)}\`. ${restOfPage(tool, itemsCut.kept, !!collected)}`);
  }
  if (others.length) cutNotes.push(describeDrops(others, tool));
  cutNotes.push(`(about ${Math.max(0, fitted.fullChars - text.length)} characters left out)`);
  return withNotes(textResult(text), [...notes, ...cutNotes], maxChars);
}

/** The largest page start at or below `kept`, past the first page; 0 if none. */
function boundaryAtOrBelow(marks: readonly PageMark[], kept: number): number {
  let best = 0;
  for (const m of marks) if (m.start <= kept && m.start > best) best = m.start;
  return best;
}

function restOfPage(tool: ToolSpec, kept: number, allPages: boolean): string {
  const hasPageSize = tool.queryParams.some((q) => q.name === "page_size");
  const narrower = tool.method === "GET" ? "ask for fewer fields with `fields`" : "";
  if (kept === 0) return `Even one item is over the cap${narrower ? `: ${narrower}` : ""}.`;
  const ways = [
    ...(hasPageSize
      ? [`call again with page_size=${kept}${allPages ? " (without all_pages, or with it)" : ""} and the same other arguments: its next_page_token resumes right after these ${kept}`]
      : []),
    ...(narrower ? [narrower] : []),
  ];
  return ways.length ? `To read on without skipping any: ${ways.join(", or ")}.` : "";
}

function describeDrops(drops: readonly Drop[], tool: ToolSpec): string {
  const fields = drops.filter((d) => d.kind === "field").map((d) => `\`${d.path}\``);
  const lists = drops.filter((d): d is Extract<Drop, { kind: "items" }> => d.kind === "items").map((d) => `\`${d.path}\` (kept ${d.kept} of ${d.total})`);
  const parts = [
    ...(fields.length ? [`left out ${fields.length === 1 ? "the field" : `${fields.length} fields:`} ${listForNote(fields, 8, 300)}`] : []),
    ...(lists.length ? [`shortened ${listForNote(lists, 5, 300)}`] : []),
  ];
  const how = tool.method === "GET" ? " To get them, ask for them alone with `fields` (e.g. `fields` set to one of those paths)." : "";
  return `The size cap ${parts.join("; and ")}.${how}`;
}

function topLevelKeys(data: unknown): string[] {
  const sample = Array.isArray(data) ? data.find((v) => v && typeof v === "object") : data;
  return sample && typeof sample === "object" ? Object.keys(sample).slice(0, 1000) : [];
}

function noteRoom(notes: readonly string[]): number {
  return notes.length ? Math.min(MAX_NOTE, NOTE_PREFIX.length + notes.join(" ").length) + 1 : 0;
}

/** Adds the notes as a second text item, itself capped, keeping the whole result within `maxChars`. */
function withNotes(result: CallToolResult, notes: readonly string[], maxChars: number): CallToolResult {
  if (!notes.length) return capResult(result, maxChars);
  const note = cutText(NOTE_PREFIX + notes.join(" "), MAX_NOTE);
  return capResult({ ...result, content: [...result.content, { type: "text", text: note }] }, maxChars);
}

function textWithinCap(text: string, notes: string[], maxChars: number): CallToolResult {
  const room = maxChars - noteRoom(notes);
  if (text.length <= room) return withNotes(textResult(text), notes, maxChars);
  const shown = cutText(text, maxChars - MAX_NOTE - 1);
  return withNotes(textResult(shown), [`The answer is ${text.length} characters of text; the size cap kept the first ${shown.length}.`, ...notes], maxChars);
}

/**
 * The last guard before a result is sent: its text (text items and embedded text resources)
 * totals at most `maxChars`. Anything over is cut, with a note saying so.
 */
export function capResult(result: CallToolResult, maxChars: number): CallToolResult {
  let total = 0;
  for (const c of result.content) total += textLength(c);
  if (total <= maxChars) return result;
  const note = `${NOTE_PREFIX}The result was ${total} characters of text; the size cap kept the first ${maxChars - MAX_NOTE - 1}.`;
  let room = maxChars - note.length - 1;
  const content = result.content.map((c) => {
    const length = textLength(c);
    const keep = Math.max(0, Math.min(length, room));
    room -= keep;
    if (keep === length) return c;
    if (c.type === "text") return { ...c, text: cutText(c.text, keep) };
    const resource = (c as { resource: { text: string } }).resource;
    return { ...c, resource: { ...resource, text: cutText(resource.text, keep) } } as typeof c;
  });
  return { ...result, content: [...content, { type: "text", text: note }] };
}

function textLength(c: CallToolResult["content"][number]): number {
  if (c.type === "text") return c.text.length;
  if (c.type === "resource" && "text" in c.resource && typeof c.resource.text === "string") return c.resource.text.length;
  return 0;
}

/** Keys whose values are secrets: masked in confirmations. */
const SECRET_KEY = /pass(word|code)|pwd|secret|token|credential|(^|_)pin($|_)|pin_code|_key$/i;
/** Of those, the ones that name a rule about a secret, not the secret itself. */
const NOT_A_SECRET = /length|requirement|require|_type$|expire|count|period|days|allow|enable|embed|protected|bypass|only/i;
const MAX_SENT_FIELDS = 25;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !NOT_A_SECRET.test(key);
}

/** A body-less success: what was done, to what, with which fields (secrets masked). */
function confirmation(tool: ToolSpec, request: ZoomRequest, status: number): CallToolResult {
  const lines = [`Done: ${tool.title} — ${tool.method} ${clipPath(request.path)} succeeded (HTTP ${status}; Zoom sends no body for it).`];
  const sent: string[] = [];
  if (request.json !== undefined) flatten(request.json, "", sent);
  if (request.form) {
    for (const [name, value] of request.form.entries()) {
      sent.push(typeof value === "string" ? `${clip(name)}=${isSecretKey(name) ? "(hidden)" : clip(JSON.stringify(value))}` : `${clip(name)}=file ${JSON.stringify(clip(value.name))} (${value.size} bytes)`);
    }
  }
  const query: string[] = [];
  for (const [name, value] of request.query ?? []) query.push(`${clip(name)}=${isSecretKey(name) ? "(hidden)" : clip(value)}`);
  lines.push(sent.length ? `Fields sent: ${listForNote(sent, MAX_SENT_FIELDS, 2500)}.` : "No body was sent.");
  if (query.length) lines.push(`Query: ${listForNote(query, 10, 600)}.`);
  return textResult(lines.join("\n"));
}

/** `path=value` for each leaf of the body; arrays as one clipped JSON value. */
function flatten(value: unknown, path: string, out: string[]): void {
  if (out.length > MAX_SENT_FIELDS * 4) return;
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (!entries.length && path) out.push(`${clip(path)}={}`);
    for (const [k, v] of entries) {
      const sub = path ? `${path}.${k}` : k;
      if (isSecretKey(k) && v !== null && typeof v !== "boolean" && typeof v !== "object") out.push(`${clip(sub)}=(hidden)`);
      else flatten(v, sub, out);
    }
    return;
  }
  out.push(`${clip(path || "(body)")}=${clip(JSON.stringify(masked(value)) ?? "null")}`);
}

/** A copy with secret values masked, for arrays shown as JSON. */
function masked(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(masked);
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, isSecretKey(k) && v !== null && typeof v !== "boolean" && typeof v !== "object" ? "(hidden)" : masked(v)]),
  );
}

/** A filled path with each over-long segment clipped. */
function clipPath(path: string): string {
  return cutText(path.split("/").map((segment) => clip(segment)).join("/"), 300);
}
