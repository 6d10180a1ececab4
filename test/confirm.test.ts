/** Irreversible calls: the user confirms through elicitation when the client supports it; a decline sends nothing. */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { ElicitRequestSchema, type CallToolResult, type ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ANNOTATION_OVERRIDES } from "../src/tools/define.js";
import { startHarness, textOf, type Harness } from "./helpers/harness.js";

let h: Harness;
let client: Client;
const asked: string[] = [];
let answer: ElicitResult = { action: "decline" };

beforeAll(async () => {
  h = await startHarness({ config: { toolsets: "all,discovery" }, fakeOptions: { permissive: true } });
  client = new Client({ name: "asks-the-user", version: "1.0.0" }, { capabilities: { elicitation: {} } });
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    asked.push(request.params.message);
    return answer;
  });
  const server = await h.app.newServer();
  const [a, b] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(b), client.connect(a)]);
});
afterAll(async () => {
  await client.close();
  await h.close();
});
beforeEach(() => {
  h.fake.reset();
  asked.length = 0;
});

const call = (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args }) as Promise<CallToolResult>;

describe("with elicitation", () => {
  it("asks before a DELETE with a one-line summary; a decline sends nothing", async () => {
    answer = { action: "decline" };
    const result = await call("delete_meeting", { meetingId: "85746065123" });
    expect(asked).toEqual(["Delete a meeting: DELETE /meetings/85746065123. This cannot be undone."]);
    expect(asked[0]).not.toContain("\n");
    expect(textOf(result)).toContain("Nothing was sent to Zoom");
    expect(h.fake.requests).toHaveLength(0);
  });

  it("a cancel, or an accept without the box ticked, sends nothing either", async () => {
    for (const a of [{ action: "cancel" }, { action: "accept", content: { confirm: false } }] as ElicitResult[]) {
      answer = a;
      await call("delete_meeting", { meetingId: "1" });
    }
    expect(asked).toHaveLength(2);
    expect(h.fake.requests).toHaveLength(0);
  });

  it("an accept sends the call, once", async () => {
    answer = { action: "accept", content: { confirm: true } };
    const result = await call("delete_user", { userId: "a@example.com", action: "delete" });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(asked).toEqual(["Delete a user: DELETE /users/a%40example.com?action=delete. This cannot be undone."]);
    expect(h.fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["DELETE /users/a%40example.com"]);
  });

  it("asks before cancelling a plan, and through call_zoom_tool too", async () => {
    answer = { action: "decline" };
    const plan = await call("cancel_account_plans_base", { accountId: "me", action: "cancel" });
    expect(plan.isError, textOf(plan)).toBeFalsy();
    await call("call_zoom_tool", { name: "delete_webinar", arguments: { webinarId: "9" } });
    expect(asked).toHaveLength(2);
    expect(asked[0]).toMatch(/^Cancel a base plan: PATCH \/accounts\/me\/plans\/base\/status/);
    expect(h.fake.requests).toHaveLength(0);
  });

  it("does not ask for reads and ordinary writes", async () => {
    await call("get_meeting", { meetingId: "1" });
    await call("update_meeting", { meetingId: "1", topic: "x" });
    expect(asked).toHaveLength(0);
    expect(h.fake.requests).toHaveLength(2);
  });
});

describe("without elicitation", () => {
  it("keeps today's behaviour: no question, and the annotations mark the tool destructive", async () => {
    const result = await h.call("delete_meeting", { meetingId: "85746065123" });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(h.fake.requests.map((r) => r.method)).toEqual(["DELETE"]);
    const tools = (await h.client.listTools()).tools;
    for (const name of ["delete_meeting", ...Object.keys(ANNOTATION_OVERRIDES)]) {
      expect(tools.find((t) => t.name === name)!.annotations?.destructiveHint, name).toBe(true);
    }
    expect(tools.find((t) => t.name === "update_account_plans_base")!.annotations?.destructiveHint).toBe(false);
  });

  it("gives every override a reason", () => {
    for (const [name, override] of Object.entries(ANNOTATION_OVERRIDES)) expect(override.reason.length, name).toBeGreaterThan(20);
  });
});
