/**
 * Serialised sizes without serialising: the length `JSON.stringify` would give, for a value and for
 * every array and object inside it, in one pass over the data. The pass is iterative (no stack
 * limit on deep data) and hands the event loop back every few milliseconds, so sizing a 10 MB
 * answer never stalls the other sessions.
 */

/** How long one slice of work may hold the event loop, in ms. */
const SLICE_MS = 4;
/** Check the clock every this many values. */
const CHECK_EVERY = 256;

/** A string needs escaping (and so is longer than its length + 2) only if it holds one of these. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

export class Sizes {
  private readonly sizes = new Map<object, number>();
  private readonly keySizes = new Map<string, number>();
  /** Keys of the objects with many, so they are listed once (listing them is one long step). */
  private readonly manyKeys = new Map<object, string[]>();
  private steps = 0;
  private sliceStart = performance.now();

  /**
   * @param hugeString strings at least this long are counted as length + 2 without an escape
   *   check: they are far over any cap, so their exact size does not matter.
   */
  constructor(private readonly hugeString = Number.POSITIVE_INFINITY) {}

  /** The serialised length of `value` (0 for `undefined`, which JSON.stringify leaves out). */
  async of(value: unknown): Promise<number> {
    const leaf = this.leaf(value);
    if (leaf !== PENDING) return leaf === OMITTED ? 0 : leaf;
    return this.walk(value as object);
  }

  /** The size of an array or object already measured by `of`, or of a leaf value. */
  known(value: unknown): number {
    const leaf = this.leaf(value);
    if (leaf !== PENDING) return leaf === OMITTED ? 0 : leaf;
    const size = this.sizes.get(value as object);
    if (size === undefined) throw new Error("Sizes.known: value was not measured");
    return size;
  }

  /** An object's keys, as the measuring pass listed them. */
  keysOf(value: object): string[] {
    return this.manyKeys.get(value) ?? Object.keys(value);
  }

  /** Like `string`, remembered: the same keys repeat in every item of a list. */
  key(k: string): number {
    let size = this.keySizes.get(k);
    if (size === undefined) {
      size = this.string(k);
      if (this.keySizes.size < 10_000) this.keySizes.set(k, size);
    }
    return size;
  }

  /** The length of a string once serialised, quotes included. */
  string(s: string): number {
    return s.length + 2 >= this.hugeString || !NEEDS_ESCAPE.test(s) ? s.length + 2 : JSON.stringify(s).length;
  }

  /**
   * True when this slice has used its time: the caller then awaits `yieldNow()`. Kept synchronous
   * so the common case costs no promise.
   */
  due(): boolean {
    return ++this.steps % CHECK_EVERY === 0 && performance.now() - this.sliceStart >= SLICE_MS;
  }

  /** Lets other work run, then starts a new slice. */
  async yieldNow(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    this.sliceStart = performance.now();
  }

  private leaf(value: unknown): number | typeof OMITTED | typeof PENDING {
    switch (typeof value) {
      case "string":
        return this.string(value);
      case "number":
        return Number.isFinite(value) ? String(value).length : 4;
      case "boolean":
        return value ? 4 : 5;
      case "object":
        if (value === null) return 4;
        if (typeof (value as { toJSON?: unknown }).toJSON === "function") return (JSON.stringify(value) ?? "").length || OMITTED;
        return this.sizes.get(value) ?? PENDING;
      default:
        // undefined, functions and symbols: left out of objects, null in arrays.
        return OMITTED;
    }
  }

  private async walk(root: object): Promise<number> {
    const stack: Frame[] = [];
    const push = (value: object) => {
      // Parsed JSON has no cycles; a value built in code might. JSON.stringify would throw too.
      if (stack.length > MAX_DEPTH) throw new TypeError("Value too deeply nested (or circular) to serialise");
      let keys: string[] | undefined;
      if (!Array.isArray(value)) {
        keys = Object.keys(value);
        if (keys.length > MANY_KEYS) this.manyKeys.set(value, keys);
      }
      stack.push({ value, keys, i: 0, size: 1, count: 0 });
    };
    push(root);
    let done = 0;
    while (stack.length) {
      if (this.due()) await this.yieldNow();
      const frame = stack[stack.length - 1]!;
      const length = frame.keys ? frame.keys.length : (frame.value as unknown[]).length;
      if (frame.i >= length) {
        stack.pop();
        const size = frame.size + 1;
        this.sizes.set(frame.value, size);
        const parent = stack[stack.length - 1];
        if (parent) add(parent, size, this);
        else done = size;
        continue;
      }
      const child = frame.keys ? (frame.value as Record<string, unknown>)[frame.keys[frame.i]!] : (frame.value as unknown[])[frame.i];
      const leaf = this.leaf(child);
      if (leaf === PENDING) {
        push(child as object);
        continue;
      }
      if (leaf === OMITTED && frame.keys) frame.i++;
      else add(frame, leaf === OMITTED ? 4 : leaf, this);
    }
    return done;
  }
}

interface Frame {
  readonly value: object;
  /** An object's keys; undefined for an array. */
  readonly keys: string[] | undefined;
  /** The next child. */
  i: number;
  /** Characters so far, the opening bracket included. */
  size: number;
  /** Children written so far (for commas). */
  count: number;
}

/** Adds the current child of `frame`, serialised in `size` characters, and moves to the next. */
function add(frame: Frame, size: number, sizes: Sizes): void {
  const comma = frame.count ? 1 : 0;
  frame.size += comma + size + (frame.keys ? sizes.key(frame.keys[frame.i]!) + 1 : 0);
  frame.count++;
  frame.i++;
}

const MAX_DEPTH = 1_000_000;
/** Objects with more keys than this keep their key list for later passes. */
export const MANY_KEYS = 1000;
const OMITTED = Symbol("omitted");
const PENDING = Symbol("pending");
