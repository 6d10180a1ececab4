/**
 * The npm package as a user gets it: `npm pack` holds only what a user needs, and the packed tarball works
 * with npx, as a CLI over stdio and as a library with types. Offline: the tarball is unpacked into a temp
 * project and its declared dependencies are linked from this repository's node_modules (what npm would
 * install), so a file missing from the package, or a dependency missing from package.json, fails here.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configWarnings, parseConfig } from "../src/config.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { name: string; version: string; dependencies: Record<string, string>; bin: Record<string, string> };

/** What a user needs: the built code and its declarations, and the docs and licence. */
const ALLOWED = [/^package\.json$/, /^README\.md$/, /^CHANGELOG\.md$/, /^LICENSE$/, /^dist\/.+\.(js|d\.ts|json|md)$/];
const REQUIRED = ["package.json", "README.md", "LICENSE", "dist/index.js", "dist/lib.js", "dist/lib.d.ts"];

let work: string;
let project: string;
let files: string[];
const env = () => ({ PATH: process.env.PATH ?? "", HOME: work, npm_config_cache: join(work, "npm-cache"), npm_config_update_notifier: "false" });

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "zoom-mcp-pack-"));
  const r = spawnSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: ROOT, encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  const [packed] = JSON.parse(r.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  files = packed!.files.map((f) => f.path);
  // The temp project: the tarball unpacked where npm would put it, the declared dependencies linked, the bin linked.
  project = join(work, "project");
  const installed = join(project, "node_modules", pkg.name);
  mkdirSync(installed, { recursive: true });
  const untar = spawnSync("tar", ["-xzf", join(work, packed!.filename), "-C", installed, "--strip-components=1"], { encoding: "utf8" });
  expect(untar.status, untar.stderr).toBe(0);
  for (const dep of Object.keys(pkg.dependencies)) {
    mkdirSync(dirname(join(project, "node_modules", dep)), { recursive: true });
    symlinkSync(join(ROOT, "node_modules", dep), join(project, "node_modules", dep), "dir");
  }
  mkdirSync(join(project, "node_modules", ".bin"));
  for (const [name, path] of Object.entries(pkg.bin)) symlinkSync(join("..", pkg.name, path), join(project, "node_modules", ".bin", name));
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", type: "module", dependencies: { [pkg.name]: pkg.version } }));
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the npm package", () => {
  it("holds only what a user needs", () => {
    expect(files.filter((f) => !ALLOWED.some((re) => re.test(f)))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(REQUIRED));
    expect(files.filter((f) => /^(src|test|scripts|bench|\.ci)\//.test(f) || f.endsWith(".map") || f.endsWith(".mcpb"))).toEqual([]);
  });

  it("runs with npx from the packed tarball, offline", () => {
    const r = spawnSync("npx", ["--offline", "--no-install", pkg.name, "--version"], { cwd: project, env: env(), encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe(pkg.version);
  }, 60_000);

  it("serves MCP over stdio from the installed bin", async () => {
    const transport = new StdioClientTransport({ command: join(project, "node_modules", ".bin", pkg.name), args: ["--sandbox"], cwd: project, env: env(), stderr: "ignore" });
    const client = new Client({ name: "pack-test", version: "1.0.0" });
    await client.connect(transport);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain("get_meeting");
    await client.close();
  });

  it("is a library with types: createServer and configWarnings from the exports map", () => {
    const source = [
      'import { Client } from "@modelcontextprotocol/sdk/client/index.js";',
      'import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";',
      'import { configWarnings, createServer, loadCatalog, parseConfig, SETTINGS, type ConfigInput } from "zoom-mcp";',
      'const settings: ConfigInput = { sandbox: "1", toolsets: "meetings" };',
      "const server = await createServer(settings, { catalog: loadCatalog() });",
      "const [a, b] = InMemoryTransport.createLinkedPair();",
      'const client = new Client({ name: "embedder", version: "1.0.0" });',
      "await Promise.all([server.connect(a), client.connect(b)]);",
      "const { tools } = await client.listTools();",
      "await client.close();",
      'process.stdout.write(`${SETTINGS.accountId.env} ${tools.length} ${tools.some((t) => t.name === "get_meeting")}\\n`);',
      // What the CLI logs once at start, for an embedder to log once where its process starts.
      'const warnings = configWarnings(parseConfig({ ...settings, callTimeoutMs: "20000" }));',
      "process.stdout.write(JSON.stringify(warnings));",
      "",
    ].join("\n");
    writeFileSync(join(project, "check.ts"), source);
    writeFileSync(join(project, "check.mjs"), source.replace(", type ConfigInput", "").replace(": ConfigInput", ""));
    const tsc = spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "--strict", "--skipLibCheck", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--types", "node", "--typeRoots", join(ROOT, "node_modules", "@types"), "check.ts"], { cwd: project, encoding: "utf8" });
    expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
    const run = spawnSync(process.execPath, ["check.mjs"], { cwd: project, env: env(), encoding: "utf8" });
    expect(run.stderr).toBe("");
    const [listed, warnings] = run.stdout.split("\n");
    expect(listed).toMatch(/^ZOOM_ACCOUNT_ID \d+ true$/);
    expect(JSON.parse(warnings!)).toEqual(configWarnings(parseConfig({ sandbox: "1", toolsets: "meetings", callTimeoutMs: "20000" })));
    expect(JSON.parse(warnings!)).toHaveLength(2);
  }, 120_000); // tsc over the SDK's declarations: about 5 s of CPU, much longer on a busy machine
});
