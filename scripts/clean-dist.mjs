// Build step: the build starts from an empty dist/, so a module removed or renamed in src/ leaves no
// stale copy behind that the package, the bundle or a test could still load.
import { rmSync } from "node:fs";

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
