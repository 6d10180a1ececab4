/** The settings table (src/config.ts) is the one source: flags, variables, --help, the README and messages agree with it. */
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { README, renderConfigTable, replaceRegion, ROOT } from "../scripts/docs.js";
import { cliOptions, parseCli, USAGE } from "../src/cli.js";
import { configInputFromEnv, ConfigError, configWarnings, envName, parseConfig, SETTING_KEYS, SETTINGS, sourceOf, type Setting } from "../src/config.js";
import { waitForOutput } from "./helpers/spawned.js";

const ENTRY = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const rows = SETTING_KEYS.map((key) => [key, SETTINGS[key] as Setting] as const);

describe("the settings table", () => {
  it("gives every setting a way in, a doc line, and defaults that pass their own validation", () => {
    for (const [key, row] of rows) {
      expect(row.flag ?? row.env, key).toBeTruthy();
      expect(row.doc.length, key).toBeGreaterThan(5);
    }
    expect(() => parseConfig({})).not.toThrow();
    expect(parseConfig({})).toMatchObject({ transport: "stdio", port: 8080, timeoutMs: 30_000, maxRetries: 3, logLevel: "info", sandbox: false, readOnly: false });
  });

  it("uses each flag and each variable once", () => {
    const flags = rows.flatMap(([, r]) => (r.flag ? [r.flag] : []));
    const envs = rows.flatMap(([, r]) => (r.env ? [r.env] : []));
    expect(new Set(flags).size).toBe(flags.length);
    expect(new Set(envs).size).toBe(envs.length);
  });

  it("reads every variable in the table, and nothing else", () => {
    for (const [key, row] of rows) {
      if (!row.env) continue;
      expect(configInputFromEnv({ [row.env]: "value-1" }), row.env).toEqual({ [key]: "value-1" });
    }
    expect(configInputFromEnv({ ZOOM_NOT_A_SETTING: "1", HOME: "/root" })).toEqual({});
  });

  it("takes every flag in the table, switches as 1", () => {
    expect(Object.keys(cliOptions()).sort()).toEqual([...rows.flatMap(([, r]) => (r.flag ? [r.flag] : [])), "help", "json", "version"].sort());
    for (const [key, row] of rows) {
      if (!row.flag) continue;
      const argv = row.arg ? [`--${row.flag}`, "value-1"] : [`--${row.flag}`];
      expect(parseCli(argv).config, row.flag).toEqual({ [key]: row.arg ? "value-1" : "1" });
    }
  });

  it("lets a flag win over its variable", () => {
    const env = configInputFromEnv({ PORT: "9001", ZOOM_TOOLSETS: "users" });
    const config = parseConfig({ ...env, ...parseCli(["--port", "9002"]).config });
    expect(config.port).toBe(9002);
    expect(config.toolsets).toEqual(["users"]);
  });

  it("names the flag or variable in a validation error", () => {
    expect(() => parseConfig({ port: "99999" })).toThrow(new ConfigError(`invalid ${sourceOf("port")}: Too big: expected number to be <=65535 (got "99999")`));
    expect(() => parseConfig({ timeoutMs: "soon" })).toThrow(/^invalid ZOOM_TIMEOUT_MS: .*\(got "soon"\)$/);
    expect(() => parseConfig({ sandbox: "perhaps" })).toThrow(/^invalid --sandbox \(or ZOOM_SANDBOX\): must be 1\/0, true\/false, yes\/no or auto/);
  });

  it('resolves ZOOM_SANDBOX=auto against the credentials, and treats unreplaced ${user_config.x} as unset', () => {
    expect(parseConfig({ sandbox: "auto" }).sandbox).toBe(true);
    expect(parseConfig({ sandbox: "auto", accountId: "a", clientId: "c", clientSecret: "s" }).sandbox).toBe(false);
    expect(parseConfig({ sandbox: "auto", accessToken: "t" }).sandbox).toBe(false);
    const fromBundle = configInputFromEnv({ ZOOM_ACCOUNT_ID: "${user_config.account_id}", ZOOM_CLIENT_ID: "", ZOOM_SANDBOX: "auto", ZOOM_READ_ONLY: "false" });
    expect(fromBundle).toEqual({ sandbox: "auto", readOnly: "false" });
    expect(parseConfig(fromBundle)).toMatchObject({ sandbox: true, readOnly: false, accountId: undefined });
  });

  it("documents every setting in --help, and the binary prints exactly that", () => {
    for (const [, row] of rows) {
      if (row.flag) expect(USAGE).toContain(`--${row.flag}`);
      if (row.env) expect(USAGE).toContain(row.env);
    }
    const r = spawnSync(process.execPath, [ENTRY, "--help"], { encoding: "utf8", env: { PATH: process.env.PATH ?? "" } });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(USAGE);
  });

  it("the README's configuration table is the generated one", () => {
    const readme = readFileSync(README, "utf8");
    for (const [, row] of rows) if (row.env) expect(readme).toContain(`\`${row.env}\``);
    expect(replaceRegion(readme, "config", renderConfigTable()) === readme, "the README's configuration table is stale: run npm run docs").toBe(true);
  });

  it("no other source file spells a variable name: they all come from the table", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) {
          if (name !== "generated") walk(path); // generated tool modules: Zoom's enum values, not settings
        }
        else if (/\.(ts|mjs|js)$/.test(name)) files.push(path);
      }
    };
    walk(join(ROOT, "src"));
    // A table name spelled out, or the environment read directly (a setting that skipped the table).
    const names = new RegExp(`\\b(${rows.flatMap(([, r]) => (r.env ? [r.env] : [])).join("|")})\\b|process\\.env(?!\\))`, "g");
    const offenders = files
      .filter((f) => !f.endsWith(join("src", "config.ts")) && !f.endsWith("start.mjs"))
      .flatMap((f) => [...readFileSync(f, "utf8").matchAll(names)].map((m) => `${f.slice(ROOT.length + 1)}: ${m[0]}`));
    // npm start reads the environment only to pass it on, and takes names from the built table.
    const start = readFileSync(join(ROOT, "scripts", "start.mjs"), "utf8");
    expect(start.match(names)?.filter((m) => m !== "process.env") ?? []).toEqual([]);
    expect(offenders).toEqual([]);
  });
});

describe("settings that contradict each other", () => {
  const warningsFor = (input: Parameters<typeof parseConfig>[0]) => configWarnings(parseConfig(input));

  it("warns about nothing at the defaults, nor just inside each bound", () => {
    expect(warningsFor({})).toEqual([]);
    expect(warningsFor({ rateLimitWaitMs: "54999", timeoutMs: "54999" })).toEqual([]);
    // 250 + 500 + 1000 ms: the shortest backoffs before the default 3 retries (src/http/policy.ts).
    expect(warningsFor({ rateLimitWaitMs: "1750" })).toEqual([]);
    expect(warningsFor({ rateLimitWaitMs: "0", maxRetries: "0" })).toEqual([]);
  });

  it("warns when the rate-limit wait budget is not below the call's deadline, naming both with their values", () => {
    expect(warningsFor({ rateLimitWaitMs: "55000" })).toEqual([
      "ZOOM_RATE_LIMIT_WAIT_MS=55000 is not below ZOOM_CALL_TIMEOUT_MS=55000, so the rate-limit wait budget can never be used in full: the call's deadline ends the waiting first, " +
        "and a call let through late has little or no time left for its request. Set ZOOM_RATE_LIMIT_WAIT_MS below 55000, leaving time for the request itself, or raise ZOOM_CALL_TIMEOUT_MS.",
    ]);
  });

  it("warns when one attempt's timeout is not below the call's deadline", () => {
    expect(warningsFor({ timeoutMs: "60000" })).toEqual([
      "ZOOM_TIMEOUT_MS=60000 is not below ZOOM_CALL_TIMEOUT_MS=55000, so the call's deadline, not the attempt's timeout, ends a request that hangs, and it is never retried. " +
        "Set ZOOM_TIMEOUT_MS below 55000 (it bounds one attempt; ZOOM_CALL_TIMEOUT_MS bounds the call with its retries).",
    ]);
  });

  it("warns when the wait budget leaves no room for the retries ZOOM_MAX_RETRIES asks for", () => {
    expect(warningsFor({ rateLimitWaitMs: "1749" })).toEqual([
      "ZOOM_MAX_RETRIES=3 asks for 3 retries after a server error or a dropped connection, but the backoff before each retry counts against ZOOM_RATE_LIMIT_WAIT_MS=1749, " +
        "which leaves room for only 2. Set ZOOM_RATE_LIMIT_WAIT_MS to at least 1750 (the shortest waits before 3 retries), or ZOOM_MAX_RETRIES to 2.",
    ]);
    expect(warningsFor({ rateLimitWaitMs: "0", maxRetries: "1" })[0]).toMatch(/^ZOOM_MAX_RETRIES=1 asks for 1 retry .* which leaves room for none\. .* or ZOOM_MAX_RETRIES to 0\.$/);
  });

  it("gives one warning per contradiction, each naming its settings by their variables", () => {
    // A 20 s deadline under the default 30 s attempt timeout and 50 s wait budget: two contradictions, not the retries one.
    const warnings = warningsFor({ callTimeoutMs: "20000" });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain(`${envName("rateLimitWaitMs")}=50000 is not below ${envName("callTimeoutMs")}=20000`);
    expect(warnings[1]).toContain(`${envName("timeoutMs")}=30000 is not below ${envName("callTimeoutMs")}=20000`);
  });

  it.each([
    ["stdio", [] as string[]],
    ["http", ["--transport", "http", "--port", "0"]],
  ])("the real server over %s logs each warning once on stderr, writes nothing else to stdout, and starts", async (transport, args) => {
    const env = { PATH: process.env.PATH ?? "", ZOOM_SANDBOX: "1", ZOOM_RATE_LIMIT_WAIT_MS: "60000", ZOOM_TIMEOUT_MS: "60000" };
    const child = spawn(process.execPath, [ENTRY, ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    if (transport === "stdio") {
      // A served request proves the server started; its answer must be the only thing on stdout.
      const answered = waitForOutput(child, "stdout", /"id":1[,}]/);
      child.stdin!.write(`${JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } })}\n`);
      await answered;
      child.stdin!.end();
    } else {
      const banner = await waitForOutput(child, "stderr", /serving MCP \(Streamable HTTP\) at (\S+)\/mcp\n/);
      // A served request proves the server started, as on stdio.
      const base = /serving MCP \(Streamable HTTP\) at (\S+)\/mcp\n/.exec(banner)![1]!;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);

    const lines = stderr.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { level: number; msg: string });
    const expected = configWarnings(parseConfig({ sandbox: "1", rateLimitWaitMs: "60000", timeoutMs: "60000" }));
    expect(expected).toHaveLength(2);
    for (const warning of expected) expect(lines.filter((l) => l.msg === warning).map((l) => l.level)).toEqual([40]);
    if (transport === "stdio") {
      const out = stdout.split("\n").filter(Boolean);
      expect(out).toHaveLength(1);
      expect(JSON.parse(out[0]!)).toMatchObject({ jsonrpc: "2.0", id: 1, result: { serverInfo: { name: "zoom-mcp" } } });
    } else {
      expect(stdout).toBe("");
    }
  });
});
