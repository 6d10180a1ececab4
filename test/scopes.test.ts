/** Tools the token's granted scopes cannot call are hidden once a Server-to-Server token tells them. */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { ToolListChangedNotificationSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { FakeZoom } from "./helpers/fake-zoom.js";
import { startHarness, textOf, type Harness } from "./helpers/harness.js";

const GRANTED = "meeting:read:meeting:admin meeting:read:list_meetings:admin user:read:list_users:admin";

let h: Harness | undefined;
let client: Client | undefined;
afterEach(async () => {
  await client?.close();
  await h?.close();
  client = undefined;
  h = undefined;
});

/** A harness whose token grants `scope`, and a second client that hears tools/list_changed. */
async function start(scope: string | undefined, config: Record<string, string> = {}, credentials: "s2s" | "static" = "s2s") {
  const fake = await new FakeZoom({ permissive: true }).start();
  fake.tokenResponder = () => ({ status: 200, body: { access_token: "t-1", token_type: "bearer", expires_in: 3599, ...(scope ? { scope } : {}) } });
  h = await startHarness({ fake, credentials, config: { toolsets: "default,webinars", ...config } });
  const stop = h.close;
  (h as { close: () => Promise<void> }).close = async () => {
    await stop();
    await fake.stop();
  };
  client = new Client({ name: "listens", version: "1.0.0" });
  let changed!: () => void;
  const listChanged = new Promise<void>((resolve) => (changed = resolve));
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => changed());
  const server = await h.app.newServer();
  const [a, b] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(b), client.connect(a)]);
  return { fake, listChanged };
}

const names = async () => (await client!.listTools()).tools.map((t) => t.name);
const call = (name: string, args: Record<string, unknown>) => client!.callTool({ name, arguments: args }) as Promise<CallToolResult>;

describe("scope-based hiding", () => {
  it("hides what the granted scopes cannot call, once the token is known, and says so with tools/list_changed", async () => {
    const { fake, listChanged } = await start(GRANTED);
    expect(client!.getServerCapabilities()?.tools?.listChanged).toBe(true);
    await listChanged;
    expect(fake.tokenRequests).toHaveLength(1);
    const listed = await names();
    expect(listed).toEqual(expect.arrayContaining(["get_meeting", "list_meetings", "list_users", "search_zoom_tools", "call_zoom_tool"]));
    expect(listed).not.toContain("list_webinars");
    expect(listed).not.toContain("create_meeting");

    const found = JSON.parse(textOf(await call("search_zoom_tools", { query: "list webinars" }))) as { matches: { name: string }[] };
    expect(found.matches.map((m) => m.name)).not.toContain("list_webinars");

    const described = JSON.parse(textOf(await call("describe_zoom_tool", { name: "list_webinars" }))) as { scopesToAdd: string };
    expect(described.scopesToAdd).toMatch(/Add one of these to the Zoom app.*webinar:read:list_webinars:admin/);

    fake.reset();
    for (const refused of [await call("list_webinars", { userId: "me" }), await call("call_zoom_tool", { name: "list_webinars", arguments: { userId: "me" } })]) {
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toMatch(/none of the scopes list_webinars needs.*webinar:read:list_webinars:admin.*Nothing was sent/);
    }
    expect(fake.requests).toHaveLength(0);
  });

  it("keeps everything with --show-all-tools, and describe still names the scopes to add", async () => {
    const { fake } = await start(GRANTED, { showAllTools: "1" });
    await call("get_meeting", { meetingId: "1" });
    expect(fake.tokenRequests.length).toBeGreaterThanOrEqual(1);
    expect(await names()).toEqual(expect.arrayContaining(["list_webinars", "create_meeting"]));
    const described = JSON.parse(textOf(await call("describe_zoom_tool", { name: "list_webinars" }))) as { scopesToAdd?: string };
    expect(described.scopesToAdd).toMatch(/webinar:read:admin/);
  });

  it.each([
    ["a token response without scopes", undefined, "s2s"],
    ["a static token", GRANTED, "static"],
  ] as const)("hides nothing with %s", async (_what, scope, credentials) => {
    const { fake } = await start(scope, {}, credentials);
    await call("get_meeting", { meetingId: "1" });
    expect(fake.requests.length).toBe(1);
    expect(await names()).toEqual(expect.arrayContaining(["list_webinars", "create_meeting"]));
  });
});
