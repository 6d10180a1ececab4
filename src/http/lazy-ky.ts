/**
 * ky, imported on first use. Its import costs about a sixth of a cold start (ky probes the fetch
 * globals as it loads, which boots Node's fetch implementation), and a start serves initialize and
 * tools/list without a single HTTP request. Every ky client here is built through this.
 */
import type { KyInstance, Options } from "ky";

type Ky = typeof import("ky").default;

let loading: Promise<Ky> | undefined;

/** The ky module's default export, imported once. */
export function loadKy(): Promise<Ky> {
  return (loading ??= import("ky").then((module) => module.default));
}

/** A ky instance with these defaults, created the first time it is awaited. */
export function lazyKy(defaults: Options): () => Promise<KyInstance> {
  let instance: Promise<KyInstance> | undefined;
  return () => (instance ??= loadKy().then((ky) => ky.create(defaults)));
}
