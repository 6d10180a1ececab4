/** The catalog as the CLI loads it, read once per test file. */
import { loadCatalog } from "../../src/catalog/load.js";

export const catalog = loadCatalog();
export const allTools = catalog.tools;
/** The catalog with the extended and master-account sets: every tool discovery can reach. */
export const everyTool = [...catalog.tools, ...catalog.extended];
