/**
 * Stateful HTTP sessions: who owns each, what is in flight, when it expires, and who may be evicted.
 *
 * Rules:
 * - a session is bound to the identity that opened it; another identity's request for it is
 *   answered as for an unknown session;
 * - a session unused for `idleMs` expires (swept on a timer and checked on every lookup), unless a
 *   call is in flight on it;
 * - caps are per identity and global; making room evicts only the same identity's least recently
 *   used session that has no call in flight, so one client can never evict another's sessions;
 *   when nothing may be evicted, the new session is refused (429 per identity, 503 global).
 */
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";

export interface Session {
  readonly id: string;
  readonly identity: string;
  readonly server: Server;
  readonly transport: StreamableHTTPServerTransport;
  lastSeen: number;
  /** POST requests carrying JSON-RPC requests whose HTTP response is still open. */
  inFlight: number;
}

export interface SessionLimits {
  readonly maxSessions: number;
  readonly maxPerIdentity: number;
  readonly idleMs: number;
  readonly now: () => number;
}

export type Reservation = { ok: true } | { ok: false; status: 429 | 503; message: string };

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly perIdentity = new Map<string, Set<Session>>();

  constructor(
    private readonly limits: SessionLimits,
    private readonly onClose: (session: Session, reason: string) => void,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  values(): IterableIterator<Session> {
    return this.sessions.values();
  }

  /** The session, if it exists, belongs to `identity` and has not expired. Touches it. */
  get(id: string, identity: string): Session | undefined {
    const session = this.sessions.get(id);
    if (!session || session.identity !== identity) return undefined;
    if (this.expired(session)) {
      this.close(session, "idle");
      return undefined;
    }
    session.lastSeen = this.limits.now();
    return session;
  }

  add(session: Session): void {
    this.sessions.set(session.id, session);
    let own = this.perIdentity.get(session.identity);
    if (!own) this.perIdentity.set(session.identity, (own = new Set()));
    own.add(session);
  }

  /** Forgets a session (it closed itself, or was deleted by its client). Idempotent. */
  remove(id: string): Session | undefined {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    this.sessions.delete(id);
    const own = this.perIdentity.get(session.identity);
    own?.delete(session);
    if (own && own.size === 0) this.perIdentity.delete(session.identity);
    return session;
  }

  /** Makes room for one more session of `identity`, evicting only its own idle sessions. */
  reserve(identity: string): Reservation {
    this.sweep();
    const own = this.perIdentity.get(identity);
    if ((own?.size ?? 0) >= this.limits.maxPerIdentity && !this.evictOne(identity)) {
      return { ok: false, status: 429, message: `This client already has ${this.limits.maxPerIdentity} sessions, each with a call in flight. Wait for one to finish, or close unused sessions (HTTP DELETE).` };
    }
    if (this.sessions.size >= this.limits.maxSessions && !this.evictOne(identity)) {
      return { ok: false, status: 503, message: `The server holds its maximum of ${this.limits.maxSessions} sessions. Try again later.` };
    }
    return { ok: true };
  }

  /** Closes every expired session without a call in flight. */
  sweep(): number {
    let closed = 0;
    for (const session of [...this.sessions.values()]) {
      if (this.expired(session)) {
        this.close(session, "idle");
        closed++;
      }
    }
    return closed;
  }

  close(session: Session, reason: string): void {
    if (!this.remove(session.id)) return;
    this.onClose(session, reason);
  }

  private expired(session: Session): boolean {
    return session.inFlight === 0 && this.limits.now() - session.lastSeen >= this.limits.idleMs;
  }

  private evictOne(identity: string): boolean {
    let oldest: Session | undefined;
    for (const session of this.perIdentity.get(identity) ?? []) {
      if (session.inFlight === 0 && (!oldest || session.lastSeen < oldest.lastSeen)) oldest = session;
    }
    if (!oldest) return false;
    this.close(oldest, "evicted to make room");
    return true;
  }
}
