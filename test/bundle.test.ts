/**
 * The MCP Bundle (npm run bundle): built once, validated with the mcpb tool, unpacked into a temp folder
 * outside the repository, and started exactly as its manifest says, through a real MCP client.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildBundle } from "../scripts/bundle.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const MCPB = join(ROOT, "node_modules", ".bin", "mcpb");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

interface UserConfigOption {
  type: string;
  default?: string | boolean;
  sensitive?: boolean;
}
interface Manifest {
  server: { entry_point: string; mcp_config: { command: string; args: string[]; env: Record<string, string> } };
  user_config: Record<string, UserConfigOption>;
}

let work: string;
let unpacked: string;
let manifest: Manifest;
let bundleBytes: number;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "zoom-mcp-bundle-test-"));
  const built = buildBundle(join(work, "zoom-mcp.mcpb"));
  bundleBytes = built.bytes;
  unpacked = join(work, "unpacked");
  const r = spawnSync(MCPB, ["unpack", built.file, unpacked], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  manifest = JSON.parse(readFileSync(join(unpacked, "manifest.json"), "utf8")) as Manifest;
}, 180_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** What a host does: fill ${__dirname} and ${user_config.*} (with the user's value or the field's default). */
function launchConfig(values: Record<string, string | boolean>, leaveBlank: "default" | "placeholder" = "default") {
  const fill = (text: string) =>
    text.replaceAll("${__dirname}", unpacked).replace(/\$\{user_config\.(\w+)\}/g, (whole, field: string) => {
      if (field in values) return String(values[field]);
      return leaveBlank === "placeholder" ? whole : String(manifest.user_config[field]?.default ?? "");
    });
  const { command, args, env } = manifest.server.mcp_config;
  return { command: fill(command), args: args.map(fill), env: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, fill(v)])) };
}

async function start(values: Record<string, string | boolean>, leaveBlank: "default" | "placeholder" = "default") {
  const config = launchConfig(values, leaveBlank);
  const transport = new StdioClientTransport({ ...config, env: { PATH: process.env.PATH ?? "", ...config.env }, cwd: work, stderr: "pipe" });
  const stderr: string[] = [];
  transport.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
  const client = new Client({ name: "bundle-test", version: "1.0.0" });
  await client.connect(transport);
  return { client, stderr, close: () => client.close() };
}

describe("the MCP Bundle", () => {
  it("has a manifest the mcpb tool accepts, with the credentials, toolsets and read-only as user_config", () => {
    const r = spawnSync(MCPB, ["validate", join(unpacked, "manifest.json")], { encoding: "utf8" });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/validation passes/i);
    expect(Object.keys(manifest.user_config)).toEqual(["account_id", "client_id", "client_secret", "toolsets", "read_only"]);
    expect(manifest.user_config.client_secret!.sensitive).toBe(true);
    expect(manifest.user_config.read_only!.type).toBe("boolean");
    expect(existsSync(join(unpacked, manifest.server.entry_point))).toBe(true);
    expect(bundleBytes).toBeLessThan(15 * 1024 * 1024);
  });

  it("holds the production dependencies and nothing from development", () => {
    const modules = readdirSync(join(unpacked, "node_modules")).flatMap((name) =>
      name.startsWith("@") ? readdirSync(join(unpacked, "node_modules", name)).map((sub) => `${name}/${sub}`) : [name],
    );
    for (const dep of Object.keys(pkg.dependencies)) expect(modules).toContain(dep);
    // A dev dependency that a production dependency also needs (ajv-formats, under the MCP SDK) belongs in the bundle.
    const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean }> };
    for (const dev of Object.keys(pkg.devDependencies)) if (lock.packages[`node_modules/${dev}`]?.dev) expect(modules).not.toContain(dev);
    expect(existsSync(join(unpacked, "src"))).toBe(false);
    expect(existsSync(join(unpacked, "test"))).toBe(false);
    expect(readdirSync(join(unpacked, "dist"), { recursive: true }).some((f) => String(f).endsWith(".map"))).toBe(false);
  });

  it("with the credentials left blank, runs on the sandbox and says so", async () => {
    const server = await start({});
    const { tools } = await server.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["search_zoom_tools", "call_zoom_tool", "list_users"]));
    expect(server.client.getInstructions()).toMatch(/^SANDBOX:/);
    const users = (await server.client.callTool({ name: "list_users", arguments: {} })) as CallToolResult;
    expect(users.isError).toBeFalsy();
    expect(JSON.stringify(users.content)).toContain("sandbox.example");
    expect(server.stderr.join("")).toContain("SANDBOX MODE");
    await server.close();
  });

  it("treats placeholders a host leaves unreplaced as blank", async () => {
    const server = await start({}, "placeholder");
    expect(server.client.getInstructions()).toMatch(/^SANDBOX:/);
    expect((await server.client.listTools()).tools.length).toBeGreaterThan(3);
    await server.close();
  });

  it("passes toolsets and read-only mode through", async () => {
    const server = await start({ toolsets: "meetings", read_only: true });
    const { tools } = await server.client.listTools();
    expect(tools.length).toBeGreaterThan(5);
    expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
    expect(tools.some((t) => t.name === "get_meeting")).toBe(true);
    await server.close();
  });

  it("with credentials filled in, serves the real account, not the sandbox", async () => {
    const server = await start({ account_id: "acct", client_id: "client", client_secret: "secret" });
    expect(server.client.getInstructions()).not.toContain("SANDBOX");
    expect(server.stderr.join("")).not.toContain("SANDBOX MODE");
    await server.close();
  });
});
