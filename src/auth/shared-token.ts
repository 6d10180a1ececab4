/**
 * The Server-to-Server token shared by replicas through Redis. Zoom may invalidate a token when a
 * new one is issued, so replicas must not each fetch their own: one replica takes a short Redis lock,
 * fetches, and stores the token; the others wait for it and read it.
 *
 * The stored value is encrypted with AES-256-GCM under a key derived (HKDF-SHA-256) from the client
 * secret, so a Redis reader without the secret learns nothing useful. A fingerprint (SHA-256 prefix
 * of the token) stands in front, so a replica can drop exactly the token Zoom rejected.
 */
import { nodeCrypto } from "../crypto.js";
import type { RedisLink } from "../redis.js";

export interface StoredToken {
  readonly accessToken: string;
  readonly expiresAt: number;
  readonly apiUrl?: string;
}

/** `down` means Redis could not answer: the caller acts alone. */
export type Shared<T> = T | "down";

const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const DROP = `local v = redis.call('GET', KEYS[1]) if v and string.sub(v, 1, string.len(ARGV[1])) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export class SharedTokenStore {
  private readonly key: string;
  private readonly lockKey: string;
  private readonly aesKey: Buffer;

  constructor(
    private readonly link: RedisLink,
    ids: { accountId: string; clientId: string; clientSecret: string },
  ) {
    const account = `${ids.accountId}:${ids.clientId}`;
    this.key = link.key(account, "s2s-token");
    this.lockKey = link.key(account, "s2s-token-lock");
    this.aesKey = Buffer.from(nodeCrypto().hkdfSync("sha256", ids.clientSecret, `zoom-mcp:${account}`, "zoom-mcp shared S2S token v1", 32));
  }

  read(): Promise<Shared<StoredToken | undefined>> {
    return this.link.run<Shared<StoredToken | undefined>>(
      async (redis) => {
        const value = await redis.get(this.key);
        return value ? this.open(value) : undefined;
      },
      () => "down" as const,
    );
  }

  write(token: StoredToken, ttlMs: number): Promise<Shared<void>> {
    if (ttlMs <= 0) return Promise.resolve();
    return this.link.run<Shared<void>>(
      async (redis) => void (await redis.set(this.key, this.seal(token), "PX", Math.ceil(ttlMs))),
      () => "down" as const,
    );
  }

  /** Takes the refresh lock; resolves to its id when this replica got it. */
  lock(ttlMs: number): Promise<Shared<string | undefined>> {
    const id = nodeCrypto().randomUUID();
    return this.link.run<Shared<string | undefined>>(
      async (redis) => ((await redis.set(this.lockKey, id, "PX", ttlMs, "NX")) === "OK" ? id : undefined),
      () => "down" as const,
    );
  }

  async unlock(id: string): Promise<void> {
    await this.link.run(
      async (redis) => void (await redis.eval(UNLOCK, 1, this.lockKey, id)),
      () => undefined,
    );
  }

  /** Removes the stored token if it is `accessToken` (Zoom rejected it). */
  async drop(accessToken: string): Promise<void> {
    await this.link.run(
      async (redis) => void (await redis.eval(DROP, 1, this.key, fingerprint(accessToken))),
      () => undefined,
    );
  }

  private seal(token: StoredToken): string {
    const iv = nodeCrypto().randomBytes(12);
    const cipher = nodeCrypto().createCipheriv("aes-256-gcm", this.aesKey, iv);
    const data = Buffer.concat([cipher.update(JSON.stringify(token), "utf8"), cipher.final()]);
    return [fingerprint(token.accessToken), iv.toString("base64"), cipher.getAuthTag().toString("base64"), data.toString("base64")].join(".");
  }

  /** Decrypts a stored value; one sealed under another secret (or tampered with) reads as no token. */
  private open(value: string): StoredToken | undefined {
    const [, iv, tag, data] = value.split(".");
    if (!iv || !tag || !data) return undefined;
    try {
      const decipher = nodeCrypto().createDecipheriv("aes-256-gcm", this.aesKey, Buffer.from(iv, "base64"));
      decipher.setAuthTag(Buffer.from(tag, "base64"));
      const plain = Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]).toString("utf8");
      const parsed = JSON.parse(plain) as StoredToken;
      return typeof parsed.accessToken === "string" && typeof parsed.expiresAt === "number" ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
}

function fingerprint(token: string): string {
  return nodeCrypto().createHash("sha256").update(token).digest("hex").slice(0, 16);
}
