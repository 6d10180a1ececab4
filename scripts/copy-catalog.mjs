// Build step: the catalog is data, read at run time next to its loader, so dist/catalog gets a copy
// of src/catalog's JSON files (tsc copies only modules).
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const from = join(root, "src", "catalog");
const to = join(root, "dist", "catalog");
mkdirSync(to, { recursive: true });
for (const file of readdirSync(from).filter((f) => f.endsWith(".json"))) copyFileSync(join(from, file), join(to, file));
