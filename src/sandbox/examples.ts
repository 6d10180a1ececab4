/** Example success answers per tool, generated from Zoom's response schemas (types and example values, no prose). */
import { existsSync, readFileSync } from "node:fs";
import { CATALOG_DIR } from "../catalog/load.js";

export interface ExampleResponse {
  readonly status: number;
  readonly example?: unknown;
}

export type ExampleResponses = Readonly<Record<string, ExampleResponse>>;

const read = (file: URL) => (JSON.parse(readFileSync(file, "utf8")) as { responses: ExampleResponses }).responses;

/**
 * Reads src/catalog/sandbox-responses.json and, when it exists, extended/sandbox-responses.json
 * (the extended and master-account tools); only sandbox mode needs them. A catalog tool's own
 * example wins over an extended one of the same name.
 */
export function loadExampleResponses(dir: URL = CATALOG_DIR): ExampleResponses {
  const extended = new URL("extended/sandbox-responses.json", dir);
  return { ...(existsSync(extended) ? read(extended) : {}), ...read(new URL("sandbox-responses.json", dir)) };
}
