/**
 * The one generic handler: validate the arguments against the tool's own schema, split them into
 * path, query and body as the tool's data says, send the call through the HTTP core, and shape the
 * answer to fit a context window.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { SendOptions, ZoomClient, ZoomFailure, ZoomRequest, ZoomSuccess } from "../http/client.js";
import { UnsafePathError } from "../http/url.js";
import type { Logger } from "../logger.js";
import { notice } from "../transports/calls.js";
import { DEFAULT_MAX_ITEMS, parseFieldList, splitControls, type Controls } from "./controls.js";
import type { ToolSpec } from "./define.js";
import { collectPages } from "./paginate.js";
import type { FileAccess } from "./files.js";
import { buildRequest, UploadError } from "./request.js";
import { failureResult, textResult, validationResult } from "./result.js";
import { fitJson, project } from "./shaping.js";
import { validateArgs } from "./validate.js";

export interface ExecuteContext {
  readonly client: ZoomClient;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
  /** Largest result text, in characters (about 4 per token). */
  readonly maxResultChars: number;
  /** Reports progress (rate-limit waits, pages) to the client, when it asked for progress. */
  readonly onProgress?: (message: string, progress?: { progress: number; total?: number }) => void;
  /** Where file_path uploads may read from. @default none: file_path is refused */
  readonly files?: FileAccess;
}

export async function executeTool(tool: ToolSpec, rawArgs: unknown, ctx: ExecuteContext): Promise<CallToolResult> {
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
      return textResult(`Invalid arguments for ${tool.name}; nothing was sent to Zoom.\n- ${error.message}`, true);
    }
    throw error;
  }

  const started = performance.now();
  const send: SendOptions = {
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    onWait: (ms, reason) => {
      const text = `${reason} in ${(ms / 1000).toFixed(1)} s`;
      notice("info", `${tool.name}: ${text}`);
      ctx.onProgress?.(text);
    },
    ...(tool.rateLimit ? { rateLimit: tool.rateLimit } : {}),
  };
  let outcome: ZoomSuccess | ZoomFailure;
  const notes: string[] = [];
  if (controls.all_pages && tool.paginated) {
    const collected = await collectPages(request, ctx.client, controls.max_items ?? DEFAULT_MAX_ITEMS, send, (p) =>
      ctx.onProgress?.(`page ${p.pages}: ${p.items}${p.total !== undefined ? ` of ${p.total}` : ""} items`, { progress: p.items, ...(p.total !== undefined ? { total: p.total } : {}) }),
    );
    outcome = collected.outcome;
    notes.push(...collected.notes);
  } else {
    outcome = await ctx.client.send(request, send);
  }
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
  if (!outcome.ok) return failureResult(tool, outcome);
  const result = shapeSuccess(tool, request.path, outcome, controls, notes, ctx.maxResultChars);
  // Its own content item, so the data item stays plain JSON and nobody mistakes the example for state.
  if (outcome.sandboxExample) result.content.push({ type: "text", text: SANDBOX_EXAMPLE_NOTE });
  return result;
}

/** What a tool result says when the sandbox answered with a generated example instead of its state. */
export const SANDBOX_EXAMPLE_NOTE = "sandbox: example response, no state kept";

function shapeSuccess(tool: ToolSpec, path: string, outcome: ZoomSuccess, controls: Controls, notes: string[], maxChars: number): CallToolResult {
  if (outcome.data === undefined || outcome.data === "") {
    return textResult(`Done: ${tool.method} ${path} succeeded (HTTP ${outcome.status}, no content).`);
  }
  if (typeof outcome.data === "string") return textResult(outcome.data);
  const data = project(outcome.data, parseFieldList(controls.fields));
  const fitted = fitJson(data, maxChars);
  if (fitted.note) notes.push(`${fitted.note} ${howToGetTheRest(tool, data)}`);
  const content: CallToolResult["content"] = [{ type: "text", text: fitted.text }];
  if (notes.length) content.push({ type: "text", text: `[zoom-mcp] ${notes.join(" ")}` });
  return { content };
}

function howToGetTheRest(tool: ToolSpec, data: unknown): string {
  const ways = [];
  if (tool.method === "GET") ways.push("ask for fewer fields with `fields`");
  if (tool.queryParams.some((q) => q.name === "page_size")) ways.push("lower `page_size`");
  const token = data && typeof data === "object" ? (data as Record<string, unknown>).next_page_token : undefined;
  if (tool.paginated) ways.push(typeof token === "string" && token ? `continue with next_page_token="${token}"` : "page with `next_page_token`");
  return ways.length ? `To get the rest: ${ways.join(", or ")}.` : "";
}
