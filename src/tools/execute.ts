/**
 * The one generic handler: validate the arguments against the tool's own schema, split them into
 * path, query and body as the tool's data says, send the call through the HTTP core, and shape the
 * answer to fit a context window.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { SendOptions, ZoomClient, ZoomFailure, ZoomFile, ZoomRequest, ZoomSuccess } from "../http/client.js";
import { MAX_FILE_BYTES } from "../http/answer.js";
import { UnsafePathError } from "../http/url.js";
import type { Logger } from "../logger.js";
import type { CallScope } from "../transports/calls.js";
import { splitControls } from "./controls.js";
import { needsConfirmation, type ToolSpec } from "./define.js";
import { allPages, DEFAULT_MAX_PAGES, type Collected } from "./paginate.js";
import type { FileAccess } from "./files.js";
import { buildRequest, UploadError } from "./request.js";
import { capResult, failureResult, successResult, textResult, validationResult } from "./result.js";
import { clip, clipWords, fitText } from "./shaping.js";
import { validateArgs } from "./validate.js";

export interface ExecuteContext {
  readonly client: ZoomClient;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
  /** The running call (src/transports/calls.ts): told when the request is sent, and the way to notices for the user. */
  readonly call?: CallScope;
  /** Largest result text, in characters (about 4 per token). */
  readonly maxResultChars: number;
  /** Most pages one `all_pages` call fetches. @default DEFAULT_MAX_PAGES */
  readonly maxPages?: number;
  /** Reports progress (rate-limit waits, pages) to the client, when it asked for progress. */
  readonly onProgress?: (message: string, progress?: { progress: number; total?: number }) => void;
  /** Where file_path uploads may read from. @default none: file_path is refused */
  readonly files?: FileAccess;
  /**
   * Asks the user to confirm an irreversible call, given a one-line summary; true means go ahead.
   * Set when the client supports elicitation. @default none: the client confirms, from the annotations
   */
  readonly confirm?: (summary: string) => Promise<boolean>;
}

export async function executeTool(tool: ToolSpec, rawArgs: unknown, ctx: ExecuteContext): Promise<CallToolResult> {
  // Every result, success or failure, JSON or text, fits the cap before it is sent.
  return capResult(await execute(tool, rawArgs, ctx), ctx.maxResultChars);
}

async function execute(tool: ToolSpec, rawArgs: unknown, ctx: ExecuteContext): Promise<CallToolResult> {
  const parsed = validateArgs(tool, rawArgs);
  if (!parsed.ok) {
    ctx.logger.info({ tool: tool.name, issues: parsed.error.issues.length }, "rejected invalid arguments");
    return validationResult(tool, parsed.error);
  }
  const { zoomArgs, controls } = splitControls(parsed.args);

  let request: ZoomRequest;
  try {
    request = await buildRequest(tool, zoomArgs, ctx.files);
  } catch (error) {
    if (error instanceof UnsafePathError || error instanceof UploadError) {
      return textResult(`Invalid arguments for ${tool.name}; nothing was sent to Zoom.\n- ${clipWords(error.message)}`, true);
    }
    throw error;
  }

  if (ctx.confirm && needsConfirmation(tool)) {
    const query = request.query?.toString();
    const summary = `${tool.title}: ${tool.method} ${request.path}${query ? `?${query}` : ""}${request.json !== undefined ? ` ${clip(JSON.stringify(request.json), 200)}` : ""}. This cannot be undone.`;
    if (!(await ctx.confirm(summary))) {
      ctx.logger.info({ tool: tool.name }, "the user declined an irreversible call");
      return textResult(`Not done: the user did not confirm "${summary}" Nothing was sent to Zoom.`);
    }
  }

  const started = performance.now();
  const send: SendOptions = {
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.call ? { call: ctx.call } : {}),
    // One deadline for the whole call, shared by every page of all_pages.
    deadline: ctx.client.deadlineFromNow(),
    onWait: (ms, reason) => {
      const text = `${reason} in ${(ms / 1000).toFixed(1)} s`;
      ctx.call?.notice("info", `${tool.name}: ${text}`);
      ctx.onProgress?.(text);
    },
    ...(tool.rateLimit ? { rateLimit: tool.rateLimit } : {}),
  };
  let outcome: ZoomSuccess | ZoomFailure;
  let collected: Collected | undefined;
  if (controls.all_pages && tool.paginated) {
    collected = await allPages(request, tool.inputSchema, controls, zoomArgs, { ...ctx, maxPages: ctx.maxPages ?? DEFAULT_MAX_PAGES }, send);
    outcome = collected.outcome;
  } else {
    outcome = await ctx.client.send(request, send);
  }
  ctx.logger.info(
    {
      tool: tool.name,
      method: tool.method,
      path: tool.path,
      status: outcome.ok ? outcome.status : (outcome.status ?? outcome.kind),
      ...(outcome.ok ? {} : { error: outcome.kind }),
      durationMs: Math.round(performance.now() - started),
      retries: outcome.retries,
    },
    "tool call",
  );
  if (!outcome.ok) return failureResult(tool, outcome);
  if (outcome.file) return fileResult(tool, request.path, outcome.file, ctx.maxResultChars);
  // The sandbox's note is its own content item, so the data item stays plain JSON and nobody
  // mistakes the example for state; the cap keeps room for it.
  const reserve = outcome.sandboxExample ? SANDBOX_EXAMPLE_NOTE.length : 0;
  const result = await successResult(tool, request, outcome, controls, collected, ctx.maxResultChars - reserve);
  if (outcome.sandboxExample) result.content.push({ type: "text", text: SANDBOX_EXAMPLE_NOTE });
  return result;
}

/** What a tool result says when the sandbox answered with a generated example instead of its state. */
export const SANDBOX_EXAMPLE_NOTE = "sandbox: example response, no state kept";


/** A non-JSON answer (a PDF invoice, a ZIP) as an embedded resource with its MIME type; text files are capped like JSON. */
function fileResult(tool: ToolSpec, path: string, file: ZoomFile, maxChars: number): CallToolResult {
  const uri = `zoom://api${path}`;
  const name = file.fileName ? ` "${file.fileName}"` : "";
  if (file.bytes.length > MAX_FILE_BYTES) {
    return textResult(`Zoom answered ${tool.name} with a ${file.bytes.length}-byte ${file.mimeType} file${name}, larger than the ${MAX_FILE_BYTES} bytes zoom-mcp passes back through MCP. Download it outside the agent with the same request: ${tool.method} ${path}.`, true);
  }
  if (/^text\/|\+xml$|\/xml$|\/csv$/.test(file.mimeType)) {
    // Room for the note, so the cap (capResult) does not cut again.
    const fitted = fitText(file.bytes.toString("utf8"), maxChars - 200);
    const content: CallToolResult["content"] = [{ type: "resource", resource: { uri, mimeType: file.mimeType, text: fitted.text } }];
    if (fitted.note) content.push({ type: "text", text: `[zoom-mcp] ${fitted.note}` });
    return { content };
  }
  return {
    content: [
      { type: "text", text: `Zoom answered with a ${file.mimeType} file${name} of ${file.bytes.length} bytes; it is attached as a resource (base64).` },
      { type: "resource", resource: { uri, mimeType: file.mimeType, blob: file.bytes.toString("base64") } },
    ],
  };
}
