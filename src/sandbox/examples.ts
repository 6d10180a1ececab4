/** Example success answers per tool, generated from Zoom's response schemas (types and example values, no prose). */
import { readFileSync } from "node:fs";
import { CATALOG_DIR } from "../catalog/load.js";

export interface ExampleResponse {
  readonly status: number;
  readonly example?: unknown;
}

export type ExampleResponses = Readonly<Record<string, ExampleResponse>>;

/** Reads src/catalog/sandbox-responses.json; only sandbox mode needs it. */
export function loadExampleResponses(dir: URL = CATALOG_DIR): ExampleResponses {
  return (JSON.parse(readFileSync(new URL("sandbox-responses.json", dir), "utf8")) as { responses: ExampleResponses }).responses;
}
