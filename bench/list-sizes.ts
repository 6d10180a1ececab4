/** tools/list size (JSON bytes, and tokens as bytes/4) for the default profile, each toolset, all, and read-only all. */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { createApp } from "../src/app.js";
import { parseConfig, type ConfigInput } from "../src/config.js";
import { silentLogger } from "../src/logger.js";
import { loadCatalog } from "../src/catalog/load.js";

const catalog = loadCatalog();

export interface ListSize {
  readonly profile: string;
  readonly tools: number;
  readonly bytes: number;
  readonly tokens: number;
}

export async function listSize(profile: string, input: ConfigInput): Promise<ListSize> {
  const app = await createApp(parseConfig(input), catalog, silentLogger());
  const server = app.newServer();
  const client = new Client({ name: "size", version: "1" });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(b), client.connect(a)]);
  const { tools } = await client.listTools();
  await client.close();
  const bytes = Buffer.byteLength(JSON.stringify({ tools }));
  return { profile, tools: tools.length, bytes, tokens: Math.round(bytes / 4) };
}

export async function allListSizes(): Promise<ListSize[]> {
  const rows = [await listSize("default (no flags)", {})];
  for (const t of catalog.toolsets) rows.push(await listSize(`--toolsets ${t}`, { toolsets: t }));
  rows.push(await listSize("--toolsets all", { toolsets: "all" }));
  rows.push(await listSize("--read-only --toolsets all", { toolsets: "all", readOnly: "1" }));
  rows.push(await listSize("--toolsets extended", { toolsets: "extended" }));
  rows.push(await listSize("--toolsets master_account", { toolsets: "master_account" }));
  return rows;
}

if (process.argv[1]?.endsWith("list-sizes.ts")) {
  for (const r of await allListSizes()) console.log(`| ${r.profile} | ${r.tools} | ${r.bytes} | ${r.tokens} |`);
}
