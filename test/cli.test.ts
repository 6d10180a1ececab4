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

describe("the CLI's stderr logger", () => {
  const LOGGER = fileURLToPath(new URL("../dist/logger.js", import.meta.url));
  /** A process that logs through createLogger(level) with no destination (fd 2, as the CLI does) and exits. */
  const script = (level: string, warn: boolean) => `
    const { createLogger, DEFER_PINO_MS } = await import(${JSON.stringify(LOGGER)});
    const log = createLogger(${JSON.stringify(level)});
    log.debug("below the level");
    const t0 = Date.now();
    log.info({ step: 1, authorization: "Bearer abc" }, "first");
    for (const end = Date.now() + 40; Date.now() < end; );
    log.info({ step: 2 }, "second");
    ${warn ? 'log.warn({ step: 3 }, "warned"); process.stderr.write("AFTER-WARN\\n");' : ""}
    process.stderr.write("T0 " + t0 + " " + DEFER_PINO_MS + "\\n");
  `;
  const runScript = (level: string, warn: boolean) => {
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script(level, warn)], { encoding: "utf8", timeout: 20_000 });
    expect(r.status, r.stderr).toBe(0);
    return r.stderr.trim().split("\n");
  };
  const json = (line: string) => JSON.parse(line) as { level: number; time: number; msg: string; step?: number; authorization?: string };

  it("holds info lines until it exits, in order, each with the time it was logged at", () => {
    const lines = runScript("info", false);
    // Nothing was written while the process ran (the exit came before the deferral), then both lines, redacted.
    expect(lines[0]).toMatch(/^T0 \d+ \d+$/);
    const t0 = Number(lines[0]!.split(" ")[1]);
    const [first, second] = [json(lines[1]!), json(lines[2]!)];
    expect(lines).toHaveLength(3);
    expect([first.msg, second.msg]).toEqual(["first", "second"]);
    expect(first.authorization).toBe("[redacted]");
    expect(first.time - t0).toBeLessThan(20);
    expect(second.time - first.time).toBeGreaterThanOrEqual(40);
  });

  it("writes a warning at once, after the lines held before it", () => {
    const lines = runScript("info", true);
    expect(lines.slice(0, 3).map((l) => json(l).msg)).toEqual(["first", "second", "warned"]);
    expect(lines[3]).toBe("AFTER-WARN");
  });

  it("writes nothing below its level", () => {
    const lines = runScript("warn", true);
    expect(lines.map((l) => (l.startsWith("{") ? json(l).msg : l.split(" ")[0]))).toEqual(["warned", "AFTER-WARN", "T0"]);
  });
});
