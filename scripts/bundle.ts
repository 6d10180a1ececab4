/**
 * `npm run bundle`: builds zoom-mcp.mcpb, an MCP Bundle for one-click install in Claude Desktop.
 * The bundle holds the built server (dist/, no source maps), a minimal package.json, the README and
 * LICENSE, the production dependencies copied from node_modules (nothing is downloaded), and a
 * manifest whose user_config fields map onto the settings table. With no credentials filled in, the
 * server runs on the sandbox (ZOOM_SANDBOX=auto) and says so.
 *
 *   tsx scripts/bundle.ts [--out FILE]    (npm run bundle installs and builds first)
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { envName, SETTINGS, type SettingKey } from "../src/config.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  description: string;
  license: string;
  engines: { node: string };
  dependencies: Record<string, string>;
};

/** The install-time fields a user fills in, each one a row of the settings table. */
const USER_CONFIG: Record<string, { key: SettingKey; type: "string" | "boolean"; title: string; description: string; sensitive?: boolean; default: string | boolean }> = {
  account_id: {
    key: "accountId",
    type: "string",
    title: "Zoom account ID",
    description: "From your Server-to-Server OAuth app (Zoom App Marketplace, App Credentials). Leave the three credentials blank to try the built-in sandbox.",
    default: "",
  },
  client_id: { key: "clientId", type: "string", title: "Zoom client ID", description: "From the same app's App Credentials.", default: "" },
  client_secret: { key: "clientSecret", type: "string", title: "Zoom client secret", description: "From the same app's App Credentials. Stored by the host as a secret.", sensitive: true, default: "" },
  toolsets: {
    key: "toolsets",
    type: "string",
    title: "Toolsets",
    description: 'Comma-separated toolset ids (e.g. "meetings,users"), "all", or blank for the default profile: the most-used tools plus search, describe and call tools that reach all of them.',
    default: "",
  },
  read_only: { key: "readOnly", type: "boolean", title: "Read-only mode", description: "Serve only tools that read; nothing in the account can be changed.", default: false },
};

export function buildManifest(): Record<string, unknown> {
  const env: Record<string, string> = {};
  for (const [field, { key }] of Object.entries(USER_CONFIG)) env[envName(key)] = `\${user_config.${field}}`;
  env[envName("sandbox")] = "auto";
  return {
    manifest_version: "0.3",
    name: pkg.name,
    display_name: "Zoom",
    version: pkg.version,
    description: pkg.description,
    long_description:
      "The Zoom REST API v2 as MCP tools: meetings, webinars, users, recordings, reports, phone and more (373 endpoints). " +
      "Fill in the account ID, client ID and client secret of a Server-to-Server OAuth app to work on your account. " +
      "With the credentials left blank, the server runs on a built-in sandbox: a simulated Zoom with sample users and meetings, where nothing is sent to Zoom; it says so in its log and in its instructions to the model.",
    author: { name: "zoom-mcp contributors" },
    license: pkg.license,
    keywords: ["zoom", "meetings", "webinars", "mcp"],
    server: {
      type: "node",
      entry_point: "dist/index.js",
      mcp_config: { command: "node", args: ["${__dirname}/dist/index.js"], env },
    },
    tools_generated: true,
    compatibility: { platforms: ["darwin", "win32", "linux"], runtimes: { node: pkg.engines.node } },
    user_config: Object.fromEntries(
      Object.entries(USER_CONFIG).map(([field, { key: _key, ...option }]) => [field, { ...option, required: false }]),
    ),
  };
}

/** Files a running server never reads: type declarations, source maps, Markdown. */
const RUNTIME_ONLY_SKIPS = /\.(d\.[cm]?ts|map|md)$/;

/** node_modules paths of the production dependency tree, as the lock file resolved it (dev-only entries left out). */
function productionPackages(): string[] {
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean; optional?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path.startsWith("node_modules/") && !entry.dev && !entry.devOptional)
    .map(([path]) => path)
    .filter((path) => existsSync(join(ROOT, path))); // an optional dependency for another platform is absent
}

export function buildBundle(out: string): { file: string; bytes: number; unpackedBytes: number } {
  if (!existsSync(join(ROOT, "dist", "index.js"))) throw new Error("dist/ is missing: run npm run build first (npm run bundle does)");
  const stage = mkdtempSync(join(tmpdir(), "zoom-mcp-bundle-"));
  try {
    cpSync(join(ROOT, "dist"), join(stage, "dist"), { recursive: true, filter: (src) => !src.endsWith(".map") && !src.endsWith(".d.ts") });
    for (const file of ["README.md", "LICENSE"]) cpSync(join(ROOT, file), join(stage, file));
    const { name, version, description, license, engines, dependencies } = pkg;
    writeFileSync(join(stage, "package.json"), `${JSON.stringify({ name, version, description, license, type: "module", engines, dependencies }, null, 2)}\n`);
    for (const path of productionPackages()) {
      // Each entry is copied without its nested node_modules: nested production entries are entries of their own.
      const nested = join(ROOT, path, "node_modules");
      mkdirSync(dirname(join(stage, path)), { recursive: true });
      cpSync(join(ROOT, path), join(stage, path), {
        recursive: true,
        dereference: true,
        filter: (src) => !RUNTIME_ONLY_SKIPS.test(src) && src !== nested && !src.startsWith(nested + sep),
      });
    }
    writeFileSync(join(stage, "manifest.json"), `${JSON.stringify(buildManifest(), null, 2)}\n`);
    const unpackedBytes = du(stage);
    mkdirSync(dirname(out), { recursive: true });
    const mcpb = join(ROOT, "node_modules", ".bin", "mcpb");
    const r = spawnSync(mcpb, ["pack", stage, out], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`mcpb pack failed:\n${r.stdout}\n${r.stderr}`);
    return { file: out, bytes: statSync(out).size, unpackedBytes };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function du(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  let total = 0;
  for (const name of readdirSync(path)) total += du(join(path, name));
  return total;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { out: { type: "string", default: join(ROOT, "zoom-mcp.mcpb") } } });
  const { file, bytes, unpackedBytes } = buildBundle(values.out!);
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  process.stderr.write(`bundle: ${relative(process.cwd(), file) || file}: ${mb(bytes)} (${mb(unpackedBytes)} unpacked)\n`);
}
