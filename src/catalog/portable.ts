/**
 * The portability rules every advertised input schema keeps, so OpenAI strict mode, Anthropic and
 * Gemini all take it: the only `format` is `date-time`; no `propertyNames`, no open objects (an
 * object lists its `properties`, possibly none, and has `additionalProperties: false`), no type arrays, no `$ref`, no
 * combinators at the top level, and no schema that says nothing (`{}` accepts anything).
 * `portabilityProblems` lists each breach with its JSON path; tests run it over tools/list.
 */
export type PortabilityRule = "format" | "propertyNames" | "openObject" | "typeArray" | "ref" | "topLevelCombinator" | "untyped";

export interface PortabilityProblem {
  readonly rule: PortabilityRule;
  readonly path: string;
}

const COMBINATORS = ["anyOf", "oneOf", "allOf", "not"] as const;

export function portabilityProblems(schema: unknown): PortabilityProblem[] {
  const problems: PortabilityProblem[] = [];
  const root = schema as Record<string, unknown>;
  for (const c of COMBINATORS) if (c in root) problems.push({ rule: "topLevelCombinator", path: `$.${c}` });
  if (root.type !== "object") problems.push({ rule: "openObject", path: "$" });
  walk(schema, "$", problems);
  return problems;
}

function walk(node: unknown, path: string, problems: PortabilityProblem[]): void {
  if (!node || typeof node !== "object" || Array.isArray(node)) return;
  const s = node as Record<string, unknown>;
  if (typeof s.format === "string" && s.format !== "date-time") problems.push({ rule: "format", path: `${path}.format` });
  if ("propertyNames" in s) problems.push({ rule: "propertyNames", path });
  if ("$ref" in s) problems.push({ rule: "ref", path });
  if (Array.isArray(s.type)) problems.push({ rule: "typeArray", path });
  const combinator = COMBINATORS.find((c) => Array.isArray(s[c]));
  if (s.type === undefined && !combinator && !("enum" in s) && !("const" in s)) problems.push({ rule: "untyped", path });
  if (s.type === "object") {
    const props = s.properties;
    if (!props || typeof props !== "object" || Array.isArray(props) || s.additionalProperties !== false) problems.push({ rule: "openObject", path });
  }
  if (s.properties && typeof s.properties === "object") for (const [k, v] of Object.entries(s.properties)) walk(v, `${path}.${k}`, problems);
  if (s.items) walk(s.items, `${path}[]`, problems);
  for (const c of COMBINATORS) if (Array.isArray(s[c])) (s[c] as unknown[]).forEach((v, i) => walk(v, `${path}.${c}[${i}]`, problems));
  if (s.additionalProperties && typeof s.additionalProperties === "object") walk(s.additionalProperties, `${path}{}`, problems);
}
