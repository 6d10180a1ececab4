/** Command-line parsing: flags become the same raw config inputs as environment variables. Built from SETTINGS. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { GROUPS, SETTING_KEYS, SETTINGS, type ConfigInput, type Setting, type SettingKey } from "./config.js";

/** Options that are commands rather than settings. */
const COMMAND_OPTIONS = [
  ["--json", 'with "tools": print one JSON array'],
  ["-h, --help", "show this help"],
  ["-v, --version", "print the version"],
] as const;

function flagText(row: Setting): string {
  return row.flag ? `--${row.flag}${row.arg ? ` ${row.arg}` : ""}` : "";
}

/** A switch's variable takes 1/0: say so, e.g. "NAME=1". */
function envText(row: Setting): string {
  return row.env ? `${row.env}${row.flag && !row.arg ? "=1" : ""}` : "";
}

/** The default as people read it; a switch without one is off. */
export function defaultText(row: Setting): string {
  return row.defaultText ?? row.default ?? (row.flag && !row.arg ? "off" : "");
}

function renderUsage(): string {
  const lines = [
    "zoom-mcp: the Zoom REST API v2 as MCP tools",
    "",
    "Usage:",
    "  zoom-mcp [options]                 serve MCP over stdio (the default)",
    "  zoom-mcp --transport http [--host 127.0.0.1] [--port 8080]",
    "                                     serve Streamable HTTP at /mcp, plus GET /healthz",
    "  zoom-mcp tools [--json] [options]  list the tools a configuration serves (no credentials needed)",
    "",
    "Settings: a flag, an environment variable, or both (a flag wins over its variable).",
  ];
  const rows = SETTING_KEYS.map((key) => SETTINGS[key] as Setting);
  const left = (row: Setting) => flagText(row) || envText(row);
  const width = Math.max(...rows.map((r) => left(r).length), ...COMMAND_OPTIONS.map(([o]) => o.length)) + 2;
  for (const [group, title] of Object.entries(GROUPS)) {
    const inGroup = rows.filter((r) => r.group === group);
    if (inGroup.length === 0) continue;
    lines.push("", `${title}:`);
    for (const row of inGroup) {
      const def = defaultText(row);
      const notes = [row.flag && row.env ? `env ${envText(row)}` : "", def ? `default ${def}` : ""].filter(Boolean).join("; ");
      lines.push(`  ${left(row).padEnd(width)}${row.doc}${notes ? ` (${notes})` : ""}`);
    }
  }
  lines.push("", "Other options:");
  for (const [option, doc] of COMMAND_OPTIONS) lines.push(`  ${option.padEnd(width)}${doc}`);
  return `${lines.join("\n")}\n`;
}

export const USAGE = renderUsage();

export interface Cli {
  readonly command: "serve" | "tools" | "help" | "version";
  readonly json: boolean;
  readonly config: ConfigInput;
}

export class UsageError extends Error {
  override name = "UsageError";
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** The parseArgs options: one per setting with a flag, plus the command options. */
export function cliOptions(): Options {
  const options: Options = {
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
    version: { type: "boolean", short: "v" },
  };
  for (const key of SETTING_KEYS) {
    const row: Setting = SETTINGS[key];
    if (row.flag) options[row.flag] = { type: row.arg ? "string" : "boolean" };
  }
  return options;
}

export function parseCli(argv: readonly string[]): Cli {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: cliOptions() });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const { positionals } = parsed;
  if (positionals.length > 1 || (positionals[0] !== undefined && positionals[0] !== "tools")) {
    throw new UsageError(`unknown command ${JSON.stringify(positionals.join(" "))}`);
  }
  const config: ConfigInput = {};
  for (const key of SETTING_KEYS) {
    const row: Setting = SETTINGS[key as SettingKey];
    const value = row.flag ? values[row.flag] : undefined;
    if (typeof value === "string") config[key] = value;
    else if (value === true) config[key] = "1";
  }
  const command = values.help ? "help" : values.version ? "version" : positionals[0] === "tools" ? "tools" : "serve";
  return { command, json: !!values.json, config };
}
