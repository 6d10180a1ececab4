/** docs/tools.md and the README's generated regions match the built server; a stale one fails with what to run. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { appScope, EXTENDED_MD, freshExtendedMd, freshReadme, freshToolsMd, loadFacts, README, TOOLS_MD } from "../scripts/docs.js";

describe("generated documentation", () => {
  it("docs/tools.md is fresh", async () => {
    expect((await freshToolsMd()) === readFileSync(TOOLS_MD, "utf8"), "docs/tools.md is stale: run npm run build && npm run docs").toBe(true);
  }, 60_000);

  it("docs/extended-tools.md is fresh, with every extended and master-account tool", async () => {
    const md = readFileSync(EXTENDED_MD, "utf8");
    expect((await freshExtendedMd()) === md, "docs/extended-tools.md is stale: run npm run build && npm run docs").toBe(true);
    const facts = await loadFacts();
    expect(facts.extended).toHaveLength(575 + 647);
    for (const t of facts.extended) expect(md).toContain(`### ${t.name}\n`);
    for (const [id, doc] of Object.entries(facts.extendedToolsetDocs)) expect(doc.description.length, id).toBeGreaterThan(20);
  }, 120_000);

  it("the README's generated regions are fresh", async () => {
    const readme = readFileSync(README, "utf8");
    expect((await freshReadme(readme)) === readme, "README generated sections are stale: run npm run build && npm run docs").toBe(true);
  }, 60_000);

  it("gives every tool its scopes, rate-limit label and parameters, and every toolset a description", async () => {
    const facts = await loadFacts();
    const md = readFileSync(TOOLS_MD, "utf8");
    expect(facts.tools).toHaveLength(373);
    for (const t of facts.tools) expect(md).toContain(`### ${t.name}\n`);
    const section = md.slice(md.indexOf("### update_meeting_livestream\n"), md.indexOf("\n### ", md.indexOf("### update_meeting_livestream\n") + 5));
    expect(section).toContain("`PATCH /meetings/{meetingId}/livestream`");
    expect(section).toContain("`meeting:update:livestream:admin`");
    expect(section).toContain("Rate-limit label: Light");
    expect(section).toMatch(/\| `stream_url` \| string \| yes \|/);
    for (const set of new Set(facts.tools.map((t) => t.toolset))) expect(facts.toolsetDocs[set]!.length).toBeGreaterThan(20);
  }, 60_000);

  it("picks the granular admin scope for an app, then master, then classic", () => {
    expect(appScope(["meeting:write:admin", "meeting:write", "meeting:update:livestream", "meeting:update:livestream:admin"])).toBe("meeting:update:livestream:admin");
    expect(appScope(["account:master", "account:write:sub_account:master"])).toBe("account:write:sub_account:master");
    expect(appScope(["recording:read:admin", "cloud_recording:read:list_user_recordings:master", "cloud_recording:read:list_user_recordings:admin"])).toBe("cloud_recording:read:list_user_recordings:admin");
    expect(appScope(["user:read:admin", "user:read"])).toBe("user:read:admin");
    expect(appScope([])).toBeUndefined();
  });
});
