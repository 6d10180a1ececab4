/** The command line as users type it, and what ends up in logs. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/logger.js";
import { SECRET, startHarness } from "./helpers/harness.js";
import { Writable } from "node:stream";

const ENTRY = fileURLToPath(new URL("../dist/index.js", import.meta.url));

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [ENTRY, ...args], { env: { PATH: process.env.PATH ?? "", ...env }, encoding: "utf8", timeout: 20_000 });
}

describe("zoom-mcp command line", () => {
  it.each([
    [["--port", "99999"], {}, "invalid --port (or PORT)"],
    [[], { ZOOM_API_BASE_URL: "not-a-url" }, "invalid ZOOM_API_BASE_URL: must be an http(s) URL"],
    [["--transport", "carrier-pigeon"], {}, "invalid --transport"],
    [["--bogus"], {}, "Unknown option '--bogus'"],
    [["tools", "--toolsets", "meetings,nope"], {}, "unknown toolset(s) nope. Valid toolsets: all, default, discovery, accounts"],
    [["--exclude-tools", "get_meeting,nope_tool"], {}, "unknown tool(s) nope_tool"],
  ])("%j %j exits 2 with one clear line", (args, env, message) => {
    const r = run(args, env);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")[0]).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("lists every tool as JSON without credentials", () => {
    const r = run(["tools", "--json", "--toolsets", "all"]);
    expect(r.status).toBe(0);
    const tools = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(tools).toHaveLength(373);
    expect(tools.find((t) => t.name === "update_meeting_livestream")).toEqual({
      name: "update_meeting_livestream",
      aliases: [],
      title: "Update a live stream",
      toolset: "meetings",
      method: "PATCH",
      path: "/meetings/{meetingId}/livestream",
      scopes: ["meeting:write:admin", "meeting:write", "meeting:update:livestream", "meeting:update:livestream:admin"],
      rateLimit: "Light",
      legacy: false,
      annotations: { title: "Update a live stream", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    });
  });

  it("takes the same choices from the environment", () => {
    expect(JSON.parse(run(["tools", "--json"], { ZOOM_TOOLSETS: "all" }).stdout)).toHaveLength(373);
    const readOnly = JSON.parse(run(["tools", "--json"], { ZOOM_TOOLSETS: "all", ZOOM_READ_ONLY: "1", ZOOM_EXCLUDE_TOOLS: "get_meeting" }).stdout) as Array<{ name: string; annotations: { readOnlyHint: boolean } }>;
    expect(readOnly).toHaveLength(172);
    expect(readOnly.every((t) => t.annotations.readOnlyHint)).toBe(true);
    const byDefault = JSON.parse(run(["tools", "--json"]).stdout) as Array<{ name: string }>;
    expect(byDefault.length).toBeLessThanOrEqual(30);
    expect(byDefault.map((t) => t.name)).toEqual(expect.arrayContaining(["search_zoom_tools", "describe_zoom_tool", "call_zoom_tool"]));
  });

  it("prints a readable table, filtered by the same flags as the server", () => {
    const r = run(["tools", "--toolsets", "meetings", "--read-only"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^NAME\s+TOOLSET\s+METHOD\s+PATH/);
    expect(r.stdout).toContain("get_meeting_livestream");
    expect(r.stdout).not.toContain("update_meeting_livestream");
    expect(r.stdout).toMatch(/\n\d+ tools\n$/);
  });

  it("prints help and version", () => {
    expect(run(["--help"]).stdout).toContain("zoom-mcp --transport http");
    expect(run(["--version"]).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe("log hygiene", () => {
  it("never logs the client secret, a token or an Authorization header, even at debug level", async () => {
    const h = await startHarness({ fakeOptions: { permissive: true } });
    await h.call("get_meeting", { meetingId: "1" });
    h.fake.on("GET", "/meetings/2", { status: 401, body: { code: 124, message: "Invalid access token." } });
    await h.call("get_meeting", { meetingId: "2" });
    h.fake.tokenResponder = () => ({ status: 401, body: { reason: "Invalid client_id or client_secret", error: "invalid_client" } });
    await h.call("get_meeting", { meetingId: "3" });
    const logs = h.logs.join("");
    expect(logs).toContain('"msg":"tool call"');
    expect(logs).not.toContain(SECRET);
    expect(logs).not.toMatch(/token-\d/);
    expect(logs).not.toMatch(/Bearer|Basic /);
    await h.close();
  });

  it("redacts secrets that a log call passes by mistake", () => {
    const lines: string[] = [];
    const logger = createLogger("info", new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) }));
    logger.info({ headers: { authorization: "Bearer abc" }, clientSecret: SECRET, access_token: "tok" }, "oops");
    expect(lines.join("")).not.toMatch(/Bearer abc|s3cr3t|"tok"/);
    expect(lines.join("")).toContain("[redacted]");
  });
});
