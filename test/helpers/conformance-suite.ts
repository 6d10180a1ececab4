/**
 * The spec-conformance suite for one set of tools (the catalog, the extended set, the
 * master-account set): both fills, each at its target, every failure a named exception in
 * scripts/conformance-exceptions.json that passes once its correction is applied, no stale
 * exception. CONFORMANCE_REPORT=1 prints the figures and the unexplained failures.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import type { ToolSpec } from "../../src/tools/define.js";
import { runConformance, type ToolVerdict } from "./conformance.js";
import type { Correction } from "./spec-validator.js";

export interface Exception extends Correction {
  /** The tool's source operation, file#operationId: an exception follows its operation, not a name. */
  readonly source: string;
  readonly fill: ("required" | "every")[];
  readonly reason: string;
}

export const EXCEPTIONS = (JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "scripts", "conformance-exceptions.json"), "utf8")) as { exceptions: Record<string, Exception> }).exceptions;

export const TARGET = { required: 0.99, every: 0.97 } as const;

export type Fill = keyof typeof TARGET;

/** Per-fill figures of one run: as the spec is written, and with the named corrections. */
export interface Figures {
  readonly tools: number;
  readonly pass: number;
  readonly corrected: number;
  readonly unexplained: string[];
  readonly stale: string[];
}

export function figures(tools: readonly ToolSpec[], fill: Fill, verdicts: readonly ToolVerdict[]): Figures {
  const names = new Set(tools.map((t) => t.name));
  const failures = verdicts.filter((v) => v.outcome !== "pass");
  // A failure is explained only by a named exception for this fill, and only if the request passes once that one spec defect is corrected.
  const explained = failures.filter((v) => EXCEPTIONS[v.tool]?.fill.includes(fill) && v.corrected?.valid);
  const unexplained = failures
    .filter((v) => !explained.includes(v))
    .map((v) => `${v.tool} (${v.outcome}): ${v.detail.join("; ").slice(0, 600)}${v.corrected ? ` | after correction: ${v.corrected.errors.join("; ").slice(0, 300)}` : ""}`);
  // An exception whose tool now passes as the spec is written is stale: drop it from the list.
  const stale = Object.entries(EXCEPTIONS)
    .filter(([tool, e]) => names.has(tool) && e.fill.includes(fill) && !failures.some((f) => f.tool === tool))
    .map(([tool]) => tool);
  const pass = verdicts.length - failures.length;
  return { tools: verdicts.length, pass, corrected: pass + explained.length, unexplained, stale };
}

/**
 * Registers the two conformance tests (required fields only, every field) for `tools`, served by
 * the `toolsets` selection. Both fills run in one pass on first use (one server, one fake Zoom).
 */
export function conformanceTests(label: string, tools: () => readonly ToolSpec[], toolsets: string, timeout: number): void {
  let run: Promise<Record<Fill, ToolVerdict[]>> | undefined;
  const verdicts = () =>
    (run ??= (async () => {
      const exceptionsFor = (fill: Fill) => Object.fromEntries(Object.entries(EXCEPTIONS).filter(([, e]) => e.fill.includes(fill)));
      const both = await runConformance(tools(), ["required", "every"], { required: exceptionsFor("required"), every: exceptionsFor("every") }, { toolsets });
      return both;
    })());

  for (const fill of ["required", "every"] as const) {
    it(`${label}, ${fill === "required" ? "required fields only" : "every field"}: at least ${TARGET[fill] * 100}% pass, and every failure is a named exception`, async () => {
      const all = tools();
      const mine = (await verdicts())[fill];
      expect(mine).toHaveLength(all.length);
      const f = figures(all, fill, mine);
      if (process.env.CONFORMANCE_REPORT) {
        console.error(`${label} ${fill}: ${f.pass}/${f.tools} pass as the spec is written (${pct(f.pass, f.tools)}), ${f.corrected}/${f.tools} with the named corrections (${pct(f.corrected, f.tools)})\n${f.unexplained.join("\n")}`);
      }
      expect(f.unexplained).toEqual([]);
      expect(f.stale).toEqual([]);
      expect(f.corrected / f.tools).toBeGreaterThanOrEqual(TARGET[fill]);
    }, timeout);
  }
}

const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)}%`;
