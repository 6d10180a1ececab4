#!/usr/bin/env node
// Makes a clone ready to run, in plain Node (it runs before any dependency is installed):
// `npm ci` when node_modules is missing or older than package-lock.json, then `npm run build` when dist
// is missing or older than a source. `npm test` (pretest) and `npm start` both use it, so either works
// first on a fresh clone, and a build that is already fresh is not repeated.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function run(args) {
  // stdout stays clean (npm start may serve stdio); npm's output goes to stderr.
  const r = spawnSync(npm, args, { cwd: root, stdio: ["ignore", 2, 2] });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = 0;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

const mtime = (path) => (existsSync(path) ? statSync(path).mtimeMs : 0);

/** npm writes node_modules/.package-lock.json on every install: older than the lock file means stale. */
export function isInstalled() {
  const installed = mtime(join(root, "node_modules", ".package-lock.json"));
  return installed > 0 && installed >= mtime(join(root, "package-lock.json"));
}

export function ensureInstalled() {
  if (!isInstalled()) {
    process.stderr.write("zoom-mcp: installing dependencies (npm ci)...\n");
    run(["ci", "--no-audit", "--no-fund"]);
  }
}

/** The build's inputs: sources, the compiler settings, and the build scripts. */
export function isBuilt() {
  const built = mtime(join(root, "dist", "index.js"));
  const inputs = Math.max(newest(join(root, "src")), mtime(join(root, "tsconfig.json")), mtime(join(root, "package.json")));
  return built > 0 && built >= inputs;
}

export function ensureBuilt() {
  if (isBuilt()) return;
  process.stderr.write("zoom-mcp: building (npm run build)...\n");
  run(["run", "build"]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureInstalled();
  ensureBuilt();
}
