// Build step: the catalog is data, read at run time next to its loader, so dist/catalog gets a copy
// of src/catalog's JSON files, the extended set's folder included (tsc copies only modules), and the
// start index the loader reads at start (src/catalog/load.ts, START_INDEX), made from those files.
import { cpSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const from = join(root, "src", "catalog");
const to = join(root, "dist", "catalog");
mkdirSync(to, { recursive: true });
// Folders pass the filter so their JSON is reached; modules and notes stay behind.
cpSync(from, to, { recursive: true, filter: (src) => !/\.(ts|md)$/.test(src) });
const { writeStartIndex } = await import(pathToFileURL(join(to, "load.js")).href);
writeStartIndex(pathToFileURL(`${from}/`), pathToFileURL(`${to}/`));
