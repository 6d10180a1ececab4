// Makes the built CLI entry executable, so `npm link` and `npx` can run it directly.
import { chmodSync } from "node:fs";
chmodSync(new URL("../dist/index.js", import.meta.url), 0o755);
