/** Turning HTTP outcomes and validation failures into MCP tool results. */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import { CREDENTIALS, joinNames } from "../config.js";
import type { ZoomFailure } from "../http/client.js";
import type { ToolSpec } from "./define.js";

export function textResult(text: string, isError = false): CallToolResult {
  return { content: [{ type: "text", text }], ...(isError ? { isError: true } : {}) };
}

/** Zoom codes that mean the token lacks a scope this tool needs. */
const SCOPE_CODES = new Set([4711, 4700]);

export function failureResult(tool: ToolSpec, outcome: ZoomFailure): CallToolResult {
  const head =
    (outcome.kind === "http" || outcome.kind === "rate_limit") && outcome.status !== undefined
      ? `Zoom returned HTTP ${outcome.status}${outcome.code !== undefined ? `, code ${outcome.code}` : ""}: ${outcome.message}`
      : outcome.message;
  const lines = [head];
  for (const e of outcome.fieldErrors ?? []) lines.push(`- ${e.field ?? "(body)"}: ${e.message ?? "invalid"}`);
  const hint = hintFor(tool, outcome);
  if (hint) lines.push(`Hint: ${hint}`);
  if (outcome.trackingId) lines.push(`Zoom tracking ID: ${outcome.trackingId}`);
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
  const lines = error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.map(String).join(".") : "(arguments)";
    return `- ${where}: ${issueMessage(issue)}`;
  });
  return textResult(`Invalid arguments for ${tool.name}; nothing was sent to Zoom.\n${lines.join("\n")}\nCheck the tool's input schema, fix the arguments and call again.`, true);
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type" && /received undefined/.test(issue.message)) return `required (${issue.expected} expected)`;
  if (issue.code === "unrecognized_keys") return `unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`;
  if (issue.code === "invalid_value") return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  return issue.message;
}
