/**
 * node:crypto, loaded on first use: its import costs about 3 ms, and a start over stdio without Redis
 * never needs it (the shared token store, the Redis slot ids and a static token's account key do).
 * It is a builtin, so it loads synchronously wherever it is first asked for.
 */
import { createRequire } from "node:module";
import type * as NodeCrypto from "node:crypto";

let loaded: typeof NodeCrypto | undefined;

export function nodeCrypto(): typeof NodeCrypto {
  return (loaded ??= createRequire(import.meta.url)("node:crypto") as typeof NodeCrypto);
}
