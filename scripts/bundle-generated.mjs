// Post-build step: joins the 373 compiled tool modules into dist/tools/generated/index.js.
// Node's ESM loader spends most of a cold start on the module count (about 250 ms for 373 files,
// about 30 ms for the same code in one file). The sources stay one module per endpoint; only dist
// is joined. Each module must have the shape the generator writes, or the build fails.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "tools", "generated");
const index = readFileSync(join(dir, "index.js"), "utf8");
const modules = [...index.matchAll(/^import (\w+) from "\.\/([\w/]+\.js)";$/gm)].map(([, ident, file]) => ({ ident, file }));
if (modules.length === 0) {
  if (/^const \w+ = defineTool\(/m.test(index)) process.exit(0); // already joined
  throw new Error("bundle-generated: dist/tools/generated/index.js imports no tool modules");
}

const helpers = new Set();
const bodies = modules.map(({ ident, file }) => {
  const source = readFileSync(join(dir, file), "utf8");
  for (const line of source.split("\n").filter((l) => l.startsWith("import "))) {
    const fields = /^import \{ ([\w, ]+) \} from "\.\.\/\.\.\/fields\.js";$/.exec(line);
    if (fields) fields[1].split(", ").forEach((h) => helpers.add(h));
    else if (line !== 'import { z } from "zod";' && line !== 'import { defineTool } from "../../define.js";') {
      throw new Error(`bundle-generated: unexpected import in ${file}: ${line}`);
    }
  }
  const body = source
    .split("\n")
    .filter((l) => !l.startsWith("import ") && !l.startsWith("//# sourceMappingURL="))
    .join("\n");
  if (!body.includes("export default defineTool(")) throw new Error(`bundle-generated: ${file} has no default tool export`);
  return `// ${file}\n${body.replace("export default defineTool(", `const ${ident} = defineTool(`)}`;
});

const exportAt = index.indexOf("export const generatedTools");
if (exportAt < 0) throw new Error("bundle-generated: index.js has no generatedTools export");
writeFileSync(
  join(dir, "index.js"),
  [
    "// Joined by scripts/bundle-generated.mjs from the compiled tool modules; see src/tools/generated/index.ts.",
    'import { z } from "zod";',
    'import { defineTool } from "../define.js";',
    ...(helpers.size ? [`import { ${[...helpers].sort().join(", ")} } from "../fields.js";`] : []),
    ...bodies,
    index.slice(exportAt).replace(/\/\/# sourceMappingURL=.*$/m, ""),
  ].join("\n"),
);
// The joined modules and the old index's source map would only mislead: remove them.
rmSync(join(dir, "index.js.map"), { force: true });
for (const { file } of modules) {
  rmSync(join(dir, file), { force: true });
  rmSync(join(dir, `${file}.map`), { force: true });
}
