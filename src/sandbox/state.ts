/**
 * The sandbox's world: plain JSON, so it can be saved, reloaded and diffed. Everything a stateful
 * endpoint reads or changes lives here.
 */

export type Json = Record<string, unknown>;

export interface MeetingRecord extends Json {
  uuid: string;
  id: number;
  host_id: string;
  host_email: string;
  topic: string;
  type: number;
  status: string;
  start_time?: string;
  duration: number;
  timezone: string;
  agenda: string;
  created_at: string;
  join_url: string;
  start_url: string;
  password: string;
  settings: Json;
  recurrence?: Json;
  livestream: { stream_url: string; stream_key: string; page_url: string; resolution?: string };
  livestream_status: { status: string; settings?: Json };
  polls: Json[];
  registrants: Json[];
  registrant_questions: { questions: Json[]; custom_questions: Json[] };
  /** Webinars only. */
  panelists?: Json[];
  /** Occurrences (by occurrence_id) deleted from a recurring series. */
  deleted_occurrences?: string[];
}

export interface PastMeetingRecord extends Json {
  uuid: string;
  id: number;
  host_id: string;
  topic: string;
  type: number;
  start_time: string;
  end_time: string;
  duration: number;
  participants: Json[];
  polls: Json[];
}

/** A user's Zoom Phone profile; the name and email come from the user. */
export interface PhoneUserRecord extends Json {
  id: string;
  phone_user_id: string;
  extension_id: string;
  extension_number: number;
  site_id: string;
  status: string;
}

/** A recorded past meeting's transcript; the meeting's cloud recording holds it, so deleting that for good deletes it too. */
export interface TranscriptRecord extends Json {
  /** The past meeting instance (its UUID). */
  meeting_uuid: string;
  created_time: string;
  /** The last part of its download URL. */
  download_id: string;
}

/** An AI Companion summary of a past meeting instance; deleting it moves it to the trash, as in Zoom. */
export interface MeetingSummaryRecord extends Json {
  meeting_uuid: string;
  title: string;
  /** Markdown, generated from the meeting's topic and participants. */
  content: string;
  created_time: string;
  last_modified_time: string;
  last_modified_user_id: string;
  /** The last part of its Zoom Docs URL. */
  doc_id: string;
  trashed?: boolean;
}

export const STATE_VERSION = 3;

export interface SandboxState {
  /** Bumped when the shape changes; older files are upgraded on load, unknown ones refused. */
  version: typeof STATE_VERSION;
  seed: number;
  /** PRNG position, so IDs stay deterministic across save and reload. */
  rng: number;
  accountId: string;
  users: Json[];
  meetings: MeetingRecord[];
  webinars: MeetingRecord[];
  pastMeetings: PastMeetingRecord[];
  recordings: Json[];
  /** One per past meeting with a cloud recording (version 3). */
  transcripts: TranscriptRecord[];
  /** One per past meeting (version 3). */
  meetingSummaries: MeetingSummaryRecord[];
  /** Groups; `members` holds user IDs, and the first group a user joins is their primary one. */
  groups: Json[];
  /** Roles; a user's role is `role_id` on the user. */
  roles: Json[];
  trackingFields: Json[];
  /** Each user's settings by user ID, created from the defaults on first read or change. */
  userSettings: Record<string, Json>;
  phoneSites: Json[];
  /** Zoom Phone profiles by user ID: only these users are phone users. */
  phoneUsers: Record<string, PhoneUserRecord>;
  /** Call queues; `members` holds user IDs, `manager_id` one of them. */
  callQueues: Json[];
  rooms: Json[];
  roomLocations: Json[];
  /** Each group's settings and lock settings by group ID, created from the defaults on first use. */
  groupSettings?: Record<string, { settings: Json; lock: Json }>;
}

/** mulberry32: small, fast and deterministic; the state keeps its position. */
export class Rng {
  constructor(public position: number) {}

  next(): number {
    let t = (this.position = (this.position + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A 10 or 11 digit meeting or webinar ID, like Zoom's. */
  meetingId(): number {
    return this.int(8_000_000_000, 99_999_999_999);
  }

  /** Zoom-style base64 UUID (22 characters and `==`). */
  uuid(): string {
    const bytes = Buffer.from(Array.from({ length: 16 }, () => this.int(0, 255)));
    return bytes.toString("base64");
  }

  /** Zoom-style user and object IDs: 22 URL-safe characters. */
  id(): string {
    return Buffer.from(Array.from({ length: 16 }, () => this.int(0, 255)))
      .toString("base64url")
      .slice(0, 22);
  }

  digits(n: number): string {
    return Array.from({ length: n }, () => this.int(0, 9)).join("");
  }
}
