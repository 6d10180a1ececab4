/**
 * Spec conformance of the opt-in sets beyond the catalog (issue 15 §4), at the catalog's targets:
 * the extended set (Zoom's other current operations) and the master-account set, each served by
 * its own selection, both fills in one pass per set. Exceptions share
 * scripts/conformance-exceptions.json with the catalog (test/spec-conformance.test.ts checks that
 * each names a tool and its source).
 */
import { describe, expect, it } from "vitest";
import { catalog } from "./helpers/catalog.js";
import { conformanceTests } from "./helpers/conformance-suite.js";
import { SPEC_DIR, specsPresent } from "./helpers/spec-validator.js";

if (!specsPresent) console.warn(`spec-conformance-extended: skipped, Zoom's spec files are not at ${SPEC_DIR}`);

const ofSet = (set: "extended" | "master_account") => () => catalog.extended.filter((t) => t.set === set);

describe.skipIf(!specsPresent)("spec conformance of the extended sets", () => {
  it("covers 575 extended and 647 master-account tools", () => {
    expect(ofSet("extended")()).toHaveLength(575);
    expect(ofSet("master_account")()).toHaveLength(647);
  });
  conformanceTests("extended", ofSet("extended"), "extended", 240_000);
  conformanceTests("master account", ofSet("master_account"), "master_account", 240_000);
});
