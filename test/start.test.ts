/**
 * What a start loads (issue 8 §4): the built server over stdio answers initialize and its first
 * tools/list without the modules only another mode, a call or a discovery call needs. A load hook
 * in the spawned process records every module it loads, and a preload notes which were loaded when
 * the listing was written. The listing it writes, from the start index's schema text, is the one a
 * server built from the toolset files gives.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { createApp } from "../src/app.js";
import { loadCatalog } from "../src/catalog/load.js";
import { parseConfig } from "../src/config.js";
import { silentLogger } from "../src/logger.js";
import { callPathLoading } from "../src/server.js";
import { waitForOutput } from "./helpers/spawned.js";

const ENTRY = new URL("../dist/index.js", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "zoom-mcp-start-"));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  // The in-process server imports its call path right after its first listing: let that end before this file's modules go.
  await new Promise((resolve) => setImmediate(resolve));
  await callPathLoading();
});

// Every module the ESM loader loads, on stderr (the hook runs on the loader's thread).
writeFileSync(join(dir, "hooks.mjs"), `import { writeSync } from "node:fs";\nexport async function load(url, context, next) { writeSync(2, "start-test loaded " + url + "\\n"); return next(url, context); }\n`);
writeFileSync(join(dir, "register.mjs"), `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(join(dir, "hooks.mjs")).href)});\n`);
// When the listing is written: which builtins were loaded by then.
writeFileSync(
  join(dir, "listed.cjs"),
  `const { writeSync } = require("node:fs");\nconst write = process.stdout.write.bind(process.stdout);\nprocess.stdout.write = (chunk, ...rest) => {\n  if (String(chunk).includes('"tools":[')) writeSync(2, "start-test listed " + JSON.stringify(process.moduleLoadList.filter((m) => m.startsWith("NativeModule "))) + "\\n");\n  return write(chunk, ...rest);\n};\n`,
);

/** Starts the server with `args`, asks for initialize and tools/list, and returns what was loaded before the listing went out. */
async function loadedAtListing(args: string[]): Promise<{ modules: string[]; builtins: string[]; tools: unknown[] }> {
  const child = spawn(process.execPath, ["--require", join(dir, "listed.cjs"), "--import", join(dir, "register.mjs"), ENTRY, ...args], {
    // Credentials for a token endpoint that nothing answers: no request may leave 127.0.0.1.
    env: { PATH: process.env.PATH ?? "", ZOOM_ACCOUNT_ID: "a", ZOOM_CLIENT_ID: "b", ZOOM_CLIENT_SECRET: "c", ZOOM_OAUTH_TOKEN_URL: "http://127.0.0.1:9/oauth/token", LOG_LEVEL: "warn" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  try {
    const listing = waitForOutput(child, "stdout", /"tools":\[[\s\S]*\n/);
    const listed = waitForOutput(child, "stderr", /start-test listed .*\n/);
    const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
    send({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "start-test", version: "1" } } });
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({ jsonrpc: "2.0", id: 2, method: "tools/list", params: {} });
    const [out, err] = await Promise.all([listing, listed]);
    const before = err.slice(0, err.indexOf("start-test listed "));
    const tools = (JSON.parse(out.split("\n").find((line) => line.includes('"tools":['))!) as { result: { tools: unknown[] } }).result.tools;
    const builtins = JSON.parse(/start-test listed (.*)\n/.exec(err)![1]!) as string[];
    return { modules: [...before.matchAll(/start-test loaded (\S+)/g)].map((m) => m[1]!), builtins, tools };
  } finally {
    child.kill();
  }
}

const NOT_AT_START = [
  ["the sandbox", /\/dist\/sandbox\//],
  ["the HTTP transport", /\/dist\/transports\/http(-auth)?\.js$/],
  ["ky and the node:http transport under it", /\/node_modules\/ky\/|\/dist\/http\/node-fetch\.js$/],
  ["the call path", /\/dist\/tools\/(execute|validate|result|request|paginate)\.js$/],
  ["the discovery tools' work (search engine, describe)", /\/dist\/tools\/(discovery-run|search|describe)\.js$|\/node_modules\/minisearch\//],
  ["Redis", /\/node_modules\/ioredis\/|\/dist\/redis\.js$/],
] as const;

describe("a stdio start", () => {
  it.each([
    ["--toolsets all", ["--toolsets", "all"], 373],
    ["the default profile", [], 29],
  ])("with %s lists its tools having loaded only what the listing needs", async (_, args, count) => {
    const { modules, builtins, tools } = await loadedAtListing(args);
    expect(tools).toHaveLength(count);
    // The hook saw the start's own modules, so an empty list below means something.
    expect(modules.some((m) => m.endsWith("/dist/transports/stdio.js"))).toBe(true);
    for (const [what, pattern] of NOT_AT_START) expect(modules.filter((m) => pattern.test(m)), what).toEqual([]);
    // node:crypto (a few ms to load) is for Redis, static tokens and HTTP sessions.
    expect(builtins).not.toContain("NativeModule crypto");
  });

  it("writes the listing from the start index's schema text exactly as a server built from the toolset files lists it", async () => {
    const { tools } = await loadedAtListing(["--toolsets", "all"]);
    const app = await createApp(parseConfig({ accountId: "a", clientId: "b", clientSecret: "c", toolsets: "all" }), loadCatalog(), silentLogger());
    const [ours, theirs] = InMemoryTransport.createLinkedPair();
    const answered = new Promise<unknown>((resolve) => (ours.onmessage = (m) => "id" in m && m.id === 2 && resolve((m as { result: { tools: unknown[] } }).result.tools)));
    await app.newServer().connect(theirs);
    await ours.start();
    await ours.send({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } });
    await ours.send({ jsonrpc: "2.0", id: 2, method: "tools/list", params: {} });
    expect(tools).toEqual(JSON.parse(JSON.stringify(await answered)));
    await ours.close();
    await app.close();
  });
});
