// Post-build step: converts every tool's zod input schema to JSON Schema once, at build time, into
// dist/tools/generated/input-schemas.json, so a server start does not build 373 zod schemas just to
// answer tools/list. The runtime falls back to converting on demand when the file is absent.
import { writeFileSync } from "node:fs";

const { allTools, inputSchemaOf, PRECOMPUTED_SCHEMAS } = await import("../dist/tools/registry.js");
const { toInputJsonSchema } = await import("../dist/tools/json-schema.js");
// Convert from zod directly: never from a previous build's file.
const schemas = Object.fromEntries(allTools.map((tool) => [tool.name, toInputJsonSchema(inputSchemaOf(tool))]));
writeFileSync(PRECOMPUTED_SCHEMAS, JSON.stringify(schemas));
