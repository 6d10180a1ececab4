/**
 * The task fixture (test/fixtures/tasks.json) and how to score search against it. Tasks name their
 * endpoints by method and path, so they survive tool renames: the catalog maps them to tool names.
 */
import { readFileSync } from "node:fs";

export interface Task {
  readonly id: string;
  readonly area: string;
  /** How a user asks, in their own words. */
  readonly words: string;
  /** A short keyword query. */
  readonly keywords: string;
  /** Endpoints that do the job ("METHOD /path"), any one of which is a hit. */
  readonly expect: readonly string[];
}

const load = (file: string): Task[] => (JSON.parse(readFileSync(new URL(`../fixtures/${file}`, import.meta.url), "utf8")) as { tasks: Task[] }).tasks;

export const TASKS: readonly Task[] = load("tasks.json");
/** Written after tuning, never tuned on: a check that the tuning generalises. */
export const HOLDOUT_TASKS: readonly Task[] = load("tasks-holdout.json");

/** The areas whose tasks are the everyday jobs the default profile is chosen for. */
export const EVERYDAY_AREAS: readonly string[] = ["meetings", "webinars", "users", "recordings", "reports"];

interface Endpoint {
  readonly name: string;
  readonly method: string;
  readonly path: string;
}

/** The tool names that do a task, looked up by method and path in the given tool list. */
export function expectedTools(task: Task, tools: readonly Endpoint[]): string[] {
  const names = task.expect.map((e) => tools.find((t) => `${t.method} ${t.path}` === e)?.name);
  const missing = task.expect.filter((_, i) => !names[i]);
  if (missing.length) throw new Error(`task ${task.id}: no tool for ${missing.join(", ")}`);
  return names as string[];
}

export interface HitRates {
  readonly n: number;
  readonly at1: number;
  readonly at3: number;
  readonly at10: number;
  /** Tasks with no right tool in the top 3. */
  readonly misses: ReadonlyArray<{ id: string; query: string; got: string[] }>;
}

/** hit@k for one phrasing: the share of tasks with a right tool among the first k results. */
export async function hitRates(tasks: readonly Task[], tools: readonly Endpoint[], phrasing: "words" | "keywords", search: (query: string) => Promise<string[]>): Promise<HitRates> {
  let at1 = 0;
  let at3 = 0;
  let at10 = 0;
  const misses: Array<{ id: string; query: string; got: string[] }> = [];
  for (const task of tasks) {
    const want = new Set(expectedTools(task, tools));
    const got = await search(task[phrasing]);
    const rank = got.findIndex((n) => want.has(n));
    if (rank === 0) at1++;
    if (rank >= 0 && rank < 3) at3++;
    else misses.push({ id: task.id, query: task[phrasing], got: got.slice(0, 3) });
    if (rank >= 0 && rank < 10) at10++;
  }
  const n = tasks.length;
  return { n, at1: at1 / n, at3: at3 / n, at10: at10 / n, misses };
}

export const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
