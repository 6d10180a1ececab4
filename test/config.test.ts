/** The settings table (src/config.ts) is the one source: flags, variables, --help, the README and messages agree with it. */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { README, renderConfigTable, replaceRegion, ROOT } from "../scripts/docs.js";
import { cliOptions, parseCli, USAGE } from "../src/cli.js";
import { configInputFromEnv, ConfigError, parseConfig, SETTING_KEYS, SETTINGS, sourceOf, type Setting } from "../src/config.js";

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
