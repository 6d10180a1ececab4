/**
 * Spec conformance (issue 10 §1): for every tool, valid arguments from its full schema go through a
 * real MCP client to the real server; the request the fake Zoom records is validated against the
 * spec operation the tool came from. Two sets: required fields only, and every field. Every
 * remaining failure must be a named, reasoned exception in scripts/conformance-exceptions.json
 * (published in src/catalog/SPEC-QUIRKS.md). The extended and master-account sets are checked the
 * same way by test/spec-conformance-extended.test.ts.
 */
import { describe, expect, it } from "vitest";
import { allTools, catalog, everyTool } from "./helpers/catalog.js";
import { conformanceTests, EXCEPTIONS } from "./helpers/conformance-suite.js";
import { SPEC_DIR, specsPresent } from "./helpers/spec-validator.js";

if (!specsPresent) console.warn(`spec-conformance: skipped, Zoom's spec files are not at ${SPEC_DIR}`);

describe.skipIf(!specsPresent)("spec conformance of every catalog tool's request", () => {
  conformanceTests("catalog", () => allTools, "all", 120_000);

  it("every exception names a tool of the catalog or of the extended sets, with its source, and gives a reason", () => {
    const sources = new Map(everyTool.map((t) => [t.name, String((t as { source?: string }).source)]));
    for (const [tool, e] of Object.entries(EXCEPTIONS)) {
      expect(sources.get(tool), tool).toBe(e.source);
      expect(e.reason.length, tool).toBeGreaterThan(30);
      expect(e.fill.length, tool).toBeGreaterThan(0);
    }
  });
});
