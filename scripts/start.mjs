#!/usr/bin/env node
// npm start: install and build when needed, then serve Streamable HTTP on 127.0.0.1, on the sandbox
// when no Zoom credentials are set. Extra arguments go to zoom-mcp (npm start -- --port 9000).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

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

// Names come from the settings table (src/config.ts): the sandbox setting on "auto" serves the sandbox
// exactly when no credentials are set, as the server itself decides it.
const { SETTINGS } = await import(pathToFileURL(join(root, "dist", "config.js")).href);
const args = process.argv.slice(2);
const env = { ...process.env };
if (!args.includes(`--${SETTINGS.transport.flag}`)) args.unshift(`--${SETTINGS.transport.flag}`, "http");
if (!env[SETTINGS.sandbox.env]) env[SETTINGS.sandbox.env] = "auto";

const child = spawn(process.execPath, [entry, ...args], { cwd: root, stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
