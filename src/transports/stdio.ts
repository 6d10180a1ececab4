import process from "node:process";
import type { Readable, Writable } from "node:stream";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { deserializeMessage, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import { serializeWithText } from "../tools/listing-text.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { envName } from "../config.js";
import type { Logger } from "../logger.js";
import { CallTracker } from "./calls.js";

/** The JSON-RPC error code for a message the server will not read. */
export const MESSAGE_TOO_LARGE = -32600;

/** How much of an oversized line is kept to find its id: its start and its end. */
const KEEP = 4096;

/**
 * MCP over stdin/stdout, one JSON-RPC message per line, like the SDK's StdioServerTransport but
 * bounded per message: the SDK's ReadBuffer throws once 10 MiB are buffered and then closes the
 * transport, so one large request ended the session with no reply. Here a line over `maxMessageBytes`
 * is skipped as it streams in (never buffered whole), answered with a JSON-RPC error that names the
 * limit, and the session goes on.
 */
export class BoundedStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private parts: Buffer[] = [];
  private size = 0;
  /** Set while skipping an oversized line: its first and (rolling) last bytes. */
  private skipping: { head: Buffer; tail: Buffer } | undefined;
  private started = false;

  constructor(
    private readonly maxMessageBytes: number,
    private readonly logger: Logger,
    private readonly stdin: Readable = process.stdin,
    private readonly stdout: Writable = process.stdout,
  ) {}

  private readonly onData = (chunk: Buffer) => {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(10, start);
      const end = newline === -1 ? chunk.length : newline;
      if (end > start) this.append(chunk.subarray(start, end));
      if (newline === -1) return;
      this.endLine();
      start = newline + 1;
    }
  };

  private readonly onError = (error: Error) => this.onerror?.(error);

  async start(): Promise<void> {
    if (this.started) throw new Error("BoundedStdioTransport already started");
    this.started = true;
    this.stdin.on("data", this.onData);
    this.stdin.on("error", this.onError);
  }

  async close(): Promise<void> {
    this.stdin.off("data", this.onData);
    this.stdin.off("error", this.onError);
    if (this.stdin.listenerCount("data") === 0) this.stdin.pause();
    this.parts = [];
    this.size = 0;
    this.skipping = undefined;
    this.onclose?.();
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve) => {
      // A listing whose schemas are JSON text already is written without parsing them (src/tools/listing-text.ts).
      if (this.stdout.write(serializeWithText(message) ?? serializeMessage(message))) resolve();
      else this.stdout.once("drain", resolve);
    });
  }

  private append(piece: Buffer): void {
    this.size += piece.length;
    if (this.skipping) {
      this.skipping.tail = lastBytes(Buffer.concat([this.skipping.tail, piece]));
      return;
    }
    if (this.size <= this.maxMessageBytes) {
      this.parts.push(piece);
      return;
    }
    const all = Buffer.concat([...this.parts, piece]);
    this.skipping = { head: all.subarray(0, KEEP), tail: lastBytes(all) };
    this.parts = [];
  }

  private endLine(): void {
    const size = this.size;
    const skipped = this.skipping;
    const parts = this.parts;
    this.parts = [];
    this.size = 0;
    this.skipping = undefined;
    if (skipped) return this.refuse(size, skipped.head, skipped.tail);
    if (size === 0) return;
    const line = (parts.length === 1 ? parts[0]! : Buffer.concat(parts, size)).toString("utf8").replace(/\r$/, "");
    let message: JSONRPCMessage;
    try {
      message = deserializeMessage(line);
    } catch (error) {
      this.onerror?.(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    this.onmessage?.(message);
  }

  /** Answers an oversized request with a JSON-RPC error, when its id can be read from its first or last bytes. */
  private refuse(size: number, head: Buffer, tail: Buffer): void {
    const id = idOf(head.toString("utf8"), tail.toString("utf8"));
    const limit = this.maxMessageBytes;
    this.logger.warn({ bytes: size, limit, id: id ?? null }, "refused an oversized stdio message");
    if (id === undefined) return;
    void this.send({
      jsonrpc: "2.0",
      id,
      error: {
        code: MESSAGE_TOO_LARGE,
        message: `The message is ${size} bytes, larger than the ${limit} bytes zoom-mcp reads on stdio (${envName("maxMessageBytes")}). Nothing was sent to Zoom. For a large file upload, pass file_path instead of file_base64.`,
      },
    });
  }
}

function lastBytes(buffer: Buffer): Buffer {
  return buffer.length > KEEP ? Buffer.from(buffer.subarray(buffer.length - KEEP)) : buffer;
}

const ID = String.raw`(-?\d{1,16}|"(?:[^"\\]|\\.){0,256}")`;
/** `{"jsonrpc":"2.0","id":7,...` at the start, or `...,"id":7}` at the very end (the SDK client puts it last). */
const HEAD_ID = new RegExp(String.raw`^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*${ID}`);
const TAIL_ID = new RegExp(String.raw`[,{]\s*"id"\s*:\s*${ID}\s*\}\s*$`);

function idOf(head: string, tail: string): string | number | undefined {
  const m = HEAD_ID.exec(head) ?? TAIL_ID.exec(tail.replace(/\r$/, ""));
  if (!m) return undefined;
  try {
    return JSON.parse(m[1]!) as string | number;
  } catch {
    return undefined;
  }
}

export interface StdioOptions {
  /** The server's running calls; on shutdown they may finish for up to `drainTimeoutMs`. */
  readonly calls?: CallTracker;
  /** @default 10 s */
  readonly drainTimeoutMs?: number;
  /** Largest incoming message; a larger one gets a JSON-RPC error and the session goes on. @default 10 MiB */
  readonly maxMessageBytes?: number;
}

/**
 * Serves one MCP session on stdin/stdout. stdout carries only JSON-RPC; logs go to stderr.
 * On SIGINT, SIGTERM or stdin EOF: no new calls, running calls finish (up to the drain timeout) or
 * are answered with an error saying whether they had reached Zoom, then the process exits.
 */
export async function serveStdio(server: Server, logger: Logger, options: StdioOptions = {}): Promise<void> {
  const maxMessageBytes = options.maxMessageBytes ?? 10 * 1024 * 1024;
  const transport = new BoundedStdioTransport(maxMessageBytes, logger);
  const calls = options.calls ?? new CallTracker();
  let closing = false;
  const shutdown = (reason: string) => {
    if (closing) {
      if (reason !== "stdin closed") process.exit(1);
      return;
    }
    closing = true;
    logger.info({ reason, inFlightCalls: calls.size }, "shutting down");
    void calls
      .drain(options.drainTimeoutMs ?? 10_000)
      .then((result) => {
        if (result.stopped) logger.warn(result, "stopped calls that did not finish within the drain timeout");
      })
      // The answers were queued on stdout; let them flush before closing.
      .then(() => new Promise<void>((resolve) => (process.stdout.writableLength ? process.stdout.once("drain", () => resolve()) : setImmediate(resolve))))
      .then(() => server.close())
      .finally(() => process.exit(0));
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.stdin.once("end", () => shutdown("stdin closed"));
  await server.connect(transport);
  logger.info({ maxMessageBytes }, "serving MCP on stdio");
}
