#!/usr/bin/env node
// npm start: install and build when needed, then serve Streamable HTTP on 127.0.0.1, on the sandbox
// when no Zoom credentials are set. Extra arguments go to zoom-mcp (npm start -- --port 9000).
import { spawn } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ensureBuilt, ensureInstalled, root } from "./prepare.mjs";

ensureInstalled();
ensureBuilt();
const entry = join(root, "dist", "index.js");

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
