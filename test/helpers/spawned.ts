/** A spawned server process (dist/index.js): wait for what it writes, and see how it ended. */
import type { ChildProcess } from "node:child_process";

/** Resolves with everything `stream` sent once it matches `pattern`; rejects if the process exits first. */
export function waitForOutput(child: ChildProcess, stream: "stdout" | "stderr", pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const onData = (d: Buffer) => {
      text += d.toString();
      if (pattern.test(text)) {
        child[stream]!.off("data", onData);
        child.off("exit", onExit);
        resolve(text);
      }
    };
    const onExit = (code: number | null) => reject(new Error(`exited (${code}) before ${stream} matched ${pattern}: ${text}`));
    child[stream]!.on("data", onData);
    child.once("exit", onExit);
  });
}

/** How the process ended: an exit code, or the signal that killed it (code null). Call it before signalling. */
export function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}
