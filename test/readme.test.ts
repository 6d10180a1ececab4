/**
 * The README's runnable blocks, run. A fenced block preceded by `<!-- runnable -->` is checked by its language:
 * - sh: every command runs from the repository root and exits 0;
 * - sh marked `<!-- runnable: serves -->`: every command starts an HTTP server (on a free port, PORT=0), and a
 *   real MCP client lists its tools;
 * - json: it parses; each server in `mcpServers` or `servers` starts: a `command` is spawned as the client
 *   would (with /path/to/zoom-mcp = this clone) and lists its tools over stdio; a `url` must be a loopback /mcp
 *   URL, and the sandbox served over HTTP answers on it (with the port swapped for a free one);
 * - ts: the snippet runs with tsx (against the sandbox) and prints what the tool answered.
 * The block after `<!-- test-command -->` must be the command .ci/run ends with.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, describe, expect, it } from "vitest";
import { listSize } from "../bench/list-sizes.js";
import { callPathLoading } from "../src/server.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const SNIPPETS = join(ROOT, "node_modules", ".cache", "zoom-mcp-readme");
const env = (extra: Record<string, string> = {}) => ({ PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...extra });

interface Block {
  readonly marker: string;
  readonly lang: string;
  readonly body: string;
  readonly line: number;
}

/** Every marked block; a marker not followed by a fenced block is an error. */
function markedBlocks(markdown: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  lines.forEach((text, i) => {
    const marker = /^<!-- (runnable(?:: [\w-]+)?|test-command) -->$/.exec(text.trim());
    if (!marker) return;
    const fence = /^```(\w+)$/.exec(lines[i + 1] ?? "");
    if (!fence) throw new Error(`README.md:${i + 1}: ${text.trim()} is not followed by a fenced block`);
    const end = lines.indexOf("```", i + 2);
    blocks.push({ marker: marker[1]!, lang: fence[1]!, body: lines.slice(i + 2, end).join("\n"), line: i + 1 });
  });
  return blocks;
}

/** Shell lines with continuations joined and trailing comments removed. */
function commands(body: string): string[] {
  return body
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.replace(/\s+#.*$/, "").trim())
    .filter((l) => l && !l.startsWith("#"));
}

const local = (text: string) => text.replaceAll("/path/to/zoom-mcp", ROOT.replace(/\/$/, ""));

async function listToolsOverHttp(url: string, headers: Record<string, string> = {}): Promise<string[]> {
  const client = new Client({ name: "readme-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  const { tools } = await client.listTools();
  await client.close();
  return tools.map((t) => t.name);
}

/** Spawns a command that serves HTTP, resolves with the URL it announces on stderr. */
function serve(command: string, args: string[], extraEnv: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(command, args, { cwd: ROOT, env: env(extraEnv), stdio: ["ignore", "ignore", "pipe"], detached: true });
  let stderr = "";
  return new Promise((resolve, reject) => {
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const url = /is serving MCP \(Streamable HTTP\) at (\S+)/.exec(stderr)?.[1];
      if (url) resolve({ url, child });
    });
    child.on("exit", (code) => reject(new Error(`${command} ${args.join(" ")} exited ${code} before serving:\n${stderr}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.on("exit", resolve));
  process.kill(-child.pid!, "SIGTERM");
  await exited;
}

const blocks = markedBlocks(README);
const runnable = blocks.filter((b) => b.marker.startsWith("runnable"));

describe("README runnable blocks", () => {
  it("marks blocks of every kind", () => {
    const kinds = new Set(runnable.map((b) => `${b.marker} ${b.lang}`));
    expect([...kinds].sort()).toEqual(["runnable json", "runnable sh", "runnable ts", "runnable: serves sh"]);
  });

  it("keeps mcp.json equal to the Claude Desktop block", () => {
    const desktop = runnable.find((b) => b.lang === "json" && b.body.includes('"mcpServers"') && b.body.includes('"command"'))!;
    expect(JSON.parse(readFileSync(join(ROOT, "mcp.json"), "utf8"))).toEqual(JSON.parse(desktop.body));
  });

  it("names the command CI runs as the test command", () => {
    const [block] = blocks.filter((b) => b.marker === "test-command");
    const ci = commands(readFileSync(join(ROOT, ".ci", "run"), "utf8"));
    expect(commands(block!.body)).toEqual([ci.at(-1)]);
    expect(ci).toEqual(expect.arrayContaining([expect.stringMatching(/^npm ci\b/), "npm run build"]));
  });

  for (const block of runnable.filter((b) => b.lang === "sh" && b.marker === "runnable")) {
    for (const command of commands(block.body)) {
      it(`README.md:${block.line}: ${command}`, () => {
        const r = spawnSync("bash", ["-c", command], { cwd: ROOT, env: env(), encoding: "utf8", timeout: 60_000 });
        expect(r.status, r.stdout + r.stderr).toBe(0);
      });
    }
  }

  for (const block of runnable.filter((b) => b.marker === "runnable: serves")) {
    for (const command of commands(block.body)) {
      it(`README.md:${block.line}: ${command} serves MCP over HTTP`, async () => {
        // npm start would install or build first; in the middle of a test run that would pull node_modules or dist
        // from under the other tests, so a stale tree fails here instead (npm test's pretest makes it fresh).
        const { isBuilt, isInstalled } = (await import("../scripts/prepare.mjs")) as { isBuilt(): boolean; isInstalled(): boolean };
        expect(isInstalled() && isBuilt(), "node_modules or dist is stale: run npm ci and npm run build (npm test does both)").toBe(true);
        const { url, child } = await serve("bash", ["-c", command], { PORT: "0" });
        try {
          expect(await listToolsOverHttp(url)).toContain("search_zoom_tools");
        } finally {
          await stop(child);
        }
      });
    }
  }

  for (const block of runnable.filter((b) => b.lang === "json")) {
    it(`README.md:${block.line}: the JSON parses and its servers start`, async () => {
      const config = JSON.parse(block.body) as Record<string, Record<string, Record<string, unknown>>>;
      const servers = config.mcpServers ?? config.servers;
      expect(servers, "a client config has mcpServers or servers").toBeTruthy();
      for (const [name, server] of Object.entries(servers!)) {
        if (typeof server.command === "string") {
          const transport = new StdioClientTransport({
            command: local(server.command),
            args: ((server.args as string[]) ?? []).map(local),
            env: env((server.env as Record<string, string>) ?? {}),
            cwd: "/",
            stderr: "ignore",
          });
          const client = new Client({ name: "readme-test", version: "1.0.0" });
          await client.connect(transport);
          expect((await client.listTools()).tools.length, name).toBeGreaterThan(0);
          await client.close();
        } else {
          const url = new URL(String(server.url ?? server.serverUrl));
          expect(url.pathname).toBe("/mcp");
          expect(url.hostname).toBe("127.0.0.1");
          // A bearer token in the config's headers: the server is started with that token required.
          const headers = (server.headers as Record<string, string> | undefined) ?? {};
          const token = /^Bearer (\S+)$/.exec(headers.Authorization ?? "")?.[1];
          const { url: served, child } = await serve(process.execPath, [join(ROOT, "dist", "index.js"), "--transport", "http", "--sandbox", "--port", "0"], token ? { ZOOM_MCP_AUTH_TOKENS: token } : {});
          try {
            const actual = new URL(served);
            url.port = actual.port;
            if (token) await expect(listToolsOverHttp(url.href)).rejects.toThrow();
            expect(await listToolsOverHttp(url.href, headers)).toContain("call_zoom_tool");
          } finally {
            await stop(child);
          }
        }
      }
    });
  }

  const snippets = runnable.filter((b) => b.lang === "ts");
  for (const [i, block] of snippets.entries()) {
    it.concurrent(`README.md:${block.line}: the TypeScript snippet runs against the sandbox`, async () => {
      mkdirSync(SNIPPETS, { recursive: true });
      const file = join(SNIPPETS, `snippet-${i}.mts`);
      writeFileSync(file, local(block.body));
      const child = spawn(join(ROOT, "node_modules", ".bin", "tsx"), [file], { cwd: SNIPPETS, env: env(), stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString()));
      child.stderr.on("data", (c: Buffer) => (err += c.toString()));
      const code = await new Promise((resolve) => child.on("exit", resolve));
      expect(code, err).toBe(0);
      expect(out).toContain("owner@sandbox.example");
    }, 120_000); // a framework import and a server start: seconds on an idle machine, more on a busy one
  }
});

describe("the README's tools/list size table", () => {
  // The sizes are facts of the catalog and the listing code, the same on every machine: the table must be today's.
  // A server imports its call path right after its first listing; that import must end before this file's modules go.
  afterAll(async () => {
    await new Promise((resolve) => setImmediate(resolve));
    await callPathLoading();
  });
  const table = README.slice(README.indexOf("Measured `tools/list` sizes"));
  const rows = [...table.matchAll(/^\| (default \(no flags\)|`[^`]+`) \| (\d+) \| ([\d,]+) \| ([\d,]+) \|$/gm)];
  const input = (label: string): Record<string, string> => {
    if (label.startsWith("default")) return {};
    const flags = label.replace(/`/g, "").split(/\s+/);
    return { toolsets: flags[flags.indexOf("--toolsets") + 1]!, ...(flags.includes("--read-only") ? { readOnly: "1" } : {}) };
  };

  it("has its rows", () => expect(rows.length).toBeGreaterThanOrEqual(8));

  it.each(rows.map((r) => [r[1]!, Number(r[2]), Number(r[3]!.replace(/,/g, "")), Number(r[4]!.replace(/,/g, ""))] as const))(
    "%s: %i tools, %i bytes, %i tokens, as listed now",
    async (label, tools, bytes, tokens) => {
      const size = await listSize(label, input(label));
      expect({ tools: size.tools, bytes: size.bytes, tokens: size.tokens }).toEqual({ tools, bytes, tokens });
    },
  );
});
