/** Looking things up in the sandbox state, with the 404s Zoom answers when they are missing. */
import { ZoomError, type HandlerContext, type SandboxRequest } from "./http.js";
import type { Json, MeetingRecord } from "./state.js";

export type Body = Record<string, unknown>;

export const bodyOf = (req: SandboxRequest): Body => (req.body && typeof req.body === "object" ? (req.body as Body) : {});

/** A user by ID, email or `me` (the account owner), or undefined. */
export function lookupUser({ state }: HandlerContext, userId: string): Json | undefined {
  const key = userId.toLowerCase();
  return key === "me" ? state.users[0] : state.users.find((u) => u.id === userId || String(u.email).toLowerCase() === key);
}

export function findUser(ctx: HandlerContext, userId: string): Json {
  const user = lookupUser(ctx, userId);
  if (!user) throw new ZoomError(404, 1001, `User does not exist: ${userId}.`);
  return user;
}

/** The users a `members: [{id} | {email}]` body names; an unknown one fails the whole call, as in Zoom. */
export function usersNamed(ctx: HandlerContext, members: unknown, field = "members"): Json[] {
  if (!Array.isArray(members) || members.length === 0) return [];
  return members.map((m: Body, i) => {
    const ref = String(m?.id ?? m?.email ?? "");
    const user = ref ? lookupUser(ctx, ref) : undefined;
    if (!user) throw new ZoomError(404, 1001, `User does not exist: ${ref || `${field}[${i}] names no id or email`}.`);
    return user;
  });
}

export function findMeeting({ state }: HandlerContext, meetingId: string, kind: "meeting" | "webinar" = "meeting"): MeetingRecord {
  const list = kind === "webinar" ? state.webinars : state.meetings;
  const found = list.find((m) => String(m.id) === meetingId || m.uuid === meetingId);
  if (!found) throw new ZoomError(404, 3001, `${kind === "webinar" ? "Webinar" : "Meeting"} does not exist: ${meetingId}.`);
  return found;
}

export function findIn<T extends Json>(items: T[] | undefined, id: string, what: string, code = 3001): T {
  const found = items?.find((x) => x.id === id);
  if (!found) throw new ZoomError(404, code, `${what} does not exist: ${id}.`);
  return found;
}

export function remove<T>(items: T[], item: T): void {
  const i = items.indexOf(item);
  if (i >= 0) items.splice(i, 1);
}
