#!/usr/bin/env node
// npm start: install and build when needed, then serve Streamable HTTP on 127.0.0.1, on the sandbox
// when no Zoom credentials are set. Extra arguments go to zoom-mcp (npm start -- --port 9000).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const run = (args) => {
  const r = spawnSync(npm, args, { cwd: root, stdio: ["ignore", 2, 2] });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

if (!existsSync(join(root, "node_modules", "@modelcontextprotocol"))) {
  process.stderr.write("zoom-mcp: installing dependencies (npm ci)...\n");
  run(["ci", "--no-audit", "--no-fund"]);
}
const entry = join(root, "dist", "index.js");
if (!existsSync(entry) || newestSource(join(root, "src")) > statSync(entry).mtimeMs) {
  process.stderr.write("zoom-mcp: building...\n");
  run(["run", "build"]);
}

const args = process.argv.slice(2);
const hasCredentials = (process.env.ZOOM_ACCOUNT_ID && process.env.ZOOM_CLIENT_ID && process.env.ZOOM_CLIENT_SECRET) || process.env.ZOOM_ACCESS_TOKEN;
if (!args.includes("--transport")) args.unshift("--transport", "http");
if (!hasCredentials && !args.includes("--sandbox")) args.push("--sandbox");

const child = spawn(process.execPath, [entry, ...args], { cwd: root, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
