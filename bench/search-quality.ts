/**
 * Search quality on the task fixtures: hit@1, hit@3 and hit@10 of search_zoom_tools for the users'
 * own words and for keyword queries, through a real MCP client; the cost of one search next to its
 * floor (an MCP ping over the same in-memory transport); and what describe_zoom_tool costs in tokens.
 */
import { allTools, everyTool } from "../test/helpers/catalog.js";
import { startHarness, textOf } from "../test/helpers/harness.js";
import { HOLDOUT_TASKS, hitRates, pct, TASKS, type Task } from "../test/helpers/tasks.js";

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

export async function searchQuality(): Promise<string[]> {
  const h = await startHarness({ config: { toolsets: "" }, credentials: "static" });
  const search = async (query: string) => {
    const result = await h.call("search_zoom_tools", { query, limit: 10 });
    if (result.isError) return [];
    const text = textOf(result);
    return text.startsWith("{") ? (JSON.parse(text) as { matches: { name: string }[] }).matches.map((m) => m.name) : [];
  };
  const lines = ["## Search quality (search_zoom_tools on the task fixtures; hit@k = a right tool among the first k)", "| fixture | phrasing | tasks | hit@1 | hit@3 | hit@10 | floor (hit@3) |", "|---|---|---:|---:|---:|---:|---:|"];
  const fixtures: Array<[string, readonly Task[]]> = [["tasks.json", TASKS], ["tasks-holdout.json (never tuned on)", HOLDOUT_TASKS]];
  for (const [name, tasks] of fixtures) {
    for (const phrasing of ["words", "keywords"] as const) {
      const r = await hitRates(tasks, everyTool, phrasing, search);
      const floor = name === "tasks.json" ? (phrasing === "words" ? "85%" : "97%") : "-";
      lines.push(`| ${name} | ${phrasing === "words" ? "users' own words" : "keywords"} | ${r.n} | ${pct(r.at1)} | ${pct(r.at3)} | ${pct(r.at10)} | ${floor} |`);
    }
  }
  const queries = TASKS.map((t) => t.words);
  const timed: number[] = [];
  const pings: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const q of queries) {
      let t = performance.now();
      await h.client.ping();
      pings.push(performance.now() - t);
      t = performance.now();
      await h.call("search_zoom_tools", { query: q });
      timed.push(performance.now() - t);
    }
  }
  lines.push("", `search_zoom_tools: median ${median(timed).toFixed(3)} ms per search over ${allTools.length} tools; floor (MCP ping, same transport) ${median(pings).toFixed(3)} ms`);
  const costs: number[] = [];
  for (const tool of allTools) costs.push(Math.round(textOf(await h.call("describe_zoom_tool", { name: tool.name })).length / 4));
  const sorted = [...costs].sort((a, b) => a - b);
  const worst = allTools[costs.indexOf(sorted.at(-1)!)]!.name;
  lines.push(`describe_zoom_tool cost (tokens = characters / 4) over ${allTools.length} tools: median ${median(costs)}, max ${sorted.at(-1)} (${worst}); create_user_meeting ${costs[allTools.findIndex((t) => t.name === "create_meeting")]}`);
  await h.close();
  return lines;
}

if (process.argv[1]?.endsWith("search-quality.ts")) {
  for (const line of await searchQuality()) console.log(line);
}
