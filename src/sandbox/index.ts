/**
 * The sandbox: a simulated Zoom that runs inside zoom-mcp. It is plugged into the HTTP core as ky's
 * `fetch`, so every tool call takes the same path as against Zoom (auth header, retries, error
 * mapping), and nothing leaves the process.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { Logger } from "../logger.js";
import type { Catalog } from "../catalog/load.js";
import type { RateLimitLabel, ToolSpec } from "../tools/define.js";
import { loadExampleResponses, type ExampleResponses } from "./examples.js";
import { genericAnswer } from "./generic.js";
import { endpointKey, ZoomError, type Handler, type SandboxResponse } from "./http.js";
import { RateLimiter, RateLimitError, type Plan } from "./rate-limits.js";
import { statefulHandlers } from "./resources.js";
import { DEFAULT_SEED, seedState, transcriptsAndSummaries } from "./seed.js";
import { Rng, STATE_VERSION, type SandboxState } from "./state.js";

/** The base URL tools are sent to in sandbox mode; `.invalid` can never resolve, so nothing leaks. */
export const SANDBOX_API_BASE_URL = "https://sandbox.zoom-mcp.invalid/v2";
/** The bearer token the HTTP core sends in sandbox mode. */
export const SANDBOX_TOKEN = "sandbox-token";
/**
 * Set on an answer that is a generated example rather than the sandbox's state; the HTTP core
 * reports it and the tool result says "sandbox: example response, no state kept".
 */
export const SANDBOX_EXAMPLE_HEADER = "x-zoom-mcp-sandbox";

export interface SandboxOptions {
  /** The endpoints the sandbox answers. */
  readonly catalog: Catalog;
  /** Example answers for endpoints without a stateful handler. @default read from src/catalog/sandbox-responses.json */
  readonly examples?: ExampleResponses;
  /** Seed for the starting data and for new IDs. @default 42 */
  readonly seed?: number;
  /** Load the state from this JSON file when it exists, and save it there after every change. */
  readonly statePath?: string;
  /** Simulate this plan's rate limits. Off when unset. */
  readonly rateLimits?: Plan;
  /** @default Date.now */
  readonly now?: () => number;
  readonly logger?: Logger;
}

interface Route {
  readonly tool: ToolSpec;
  readonly pattern: RegExp;
  readonly names: string[];
  readonly literals: number;
  readonly handler: Handler;
}

/** Zoom's 100 meeting or webinar creates and updates per user per day. */
const WRITES_COUNTED_PER_USER = new Set(["POST /users/{userId}/meetings", "PATCH /meetings/{meetingId}", "POST /users/{userId}/webinars", "PATCH /webinars/{webinarId}"]);

export class Sandbox {
  state: SandboxState;
  private readonly routes: Route[];
  private readonly limiter: RateLimiter | undefined;
  private readonly now: () => number;
  private readonly generic: Handler;

  constructor(private readonly options: SandboxOptions) {
    this.now = options.now ?? Date.now;
    this.state = this.load();
    this.limiter = options.rateLimits ? new RateLimiter(options.rateLimits) : undefined;
    this.generic = genericAnswer(options.examples ?? loadExampleResponses());
    // The extended set (Zoom's operations beyond the catalog, and the master-account ones) is answered too.
    this.routes = [...options.catalog.tools, ...options.catalog.extended]
      .map((tool) => {
        const names: string[] = [];
        const source = tool.path.replace(/\{([^}]+)\}/g, (_, name: string) => (names.push(name), "([^/]+)"));
        const handler = statefulHandlers[endpointKey(tool.method, tool.path)] ?? this.generic;
        return { tool, pattern: new RegExp(`^${source}$`), names, literals: tool.path.split("/").filter((s) => s && !s.startsWith("{")).length, handler };
      })
      .sort((a, b) => b.literals - a.literals);
  }

  /** A `fetch` for the HTTP core: answers as Zoom would, in process. */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const answer = await this.handle(request);
    // Zoom's format, with a fresh ID per response as Zoom gives.
    const headers = new Headers({ "x-zm-trackingid": `v=2.0;clid=sandbox;rid=SANDBOX_${randomBytes(16).toString("hex")}`, ...(answer.headers ?? {}) });
    if (answer.example) headers.set(SANDBOX_EXAMPLE_HEADER, "example");
    if (answer.body !== undefined) headers.set("content-type", "application/json");
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status, headers });
  };

  /**
   * Path parameters that name existing things in the current state, for trying a tool against the
   * starting data (a poll of the webinar for webinar paths, the recorded meeting for recording paths).
   */
  exampleIds(tool: Pick<ToolSpec, "path">): Record<string, string> {
    const s = this.state;
    const review = s.meetings[1] ?? s.meetings[0];
    const webinar = s.webinars[0];
    const onWebinar = tool.path.startsWith("/webinars/") || tool.path.startsWith("/past_webinars/");
    const recorded = tool.path.includes("/recordings") || tool.path.startsWith("/past_meetings/") || tool.path.endsWith("/transcript") || tool.path.endsWith("/meeting_summary");
    const onRoleMembers = tool.path.startsWith("/roles/{roleId}/members");
    const admin = s.users.find((u) => u.role_id === "1");
    const queue = tool.path.startsWith("/phone/call_queues/") ? (s.callQueues[0] as { id: string; members: string[] } | undefined) : undefined;
    return {
      userId: "me",
      meetingId: String(recorded ? (s.pastMeetings[0]?.id ?? "") : (review?.id ?? "")),
      meetingUUID: String(s.pastMeetings[0]?.uuid ?? ""),
      webinarId: String(webinar?.id ?? ""),
      pollId: String((onWebinar ? webinar?.polls[0]?.id : review?.polls[0]?.id) ?? ""),
      registrantId: String((onWebinar ? webinar?.registrants[0]?.id : review?.registrants[0]?.id) ?? ""),
      panelistId: String(webinar?.panelists?.[0]?.id ?? ""),
      groupId: String(s.groups[0]?.id ?? ""),
      // A role member must hold a role other than Owner or Member to be removable: the admin.
      // A custom role otherwise, which can be changed and deleted.
      roleId: String((onRoleMembers ? s.roles.find((r) => r.id === admin?.role_id) : (s.roles.find((r) => !["0", "1", "2"].includes(String(r.id))) ?? s.roles[0]))?.id ?? ""),
      fieldId: String(s.trackingFields[0]?.id ?? ""),
      recordingId: String((s.recordings[0]?.recording_files as Array<{ id: string }> | undefined)?.[0]?.id ?? ""),
      memberId: String((tool.path.startsWith("/groups/") ? (s.groups[0]?.members as string[] | undefined)?.[0] : queue ? queue.members[0] : admin?.id) ?? ""),
      callQueueId: String(queue?.id ?? ""),
      siteId: String(s.phoneSites[0]?.id ?? ""),
      roomId: String(s.rooms[0]?.id ?? ""),
      ...(tool.path.startsWith("/rooms/{id}") ? { id: String(s.rooms[0]?.id ?? "") } : {}),
      locationId: String(s.roomLocations[s.roomLocations.length - 1]?.id ?? ""),
    };
  }

  private async handle(request: Request): Promise<SandboxResponse & { headers?: Record<string, string> }> {
    if (request.headers.get("authorization") !== `Bearer ${SANDBOX_TOKEN}`) {
      return { status: 401, body: { code: 124, message: "Invalid access token." } };
    }
    const url = new URL(request.url);
    const path = url.pathname.replace(/^\/v2(?=\/)/, "");
    const method = request.method.toUpperCase();
    const match = this.match(method, path);
    if (!match) return { status: 404, body: { code: 404, message: `No such endpoint in the Zoom API: ${method} ${path}.` } };
    const { route, params } = match;
    const { tool } = route;

    let body: unknown;
    const type = request.headers.get("content-type") ?? "";
    if (type.includes("application/json")) {
      const text = await request.text();
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        return { status: 400, body: { code: 300, message: "The request body is not valid JSON." } };
      }
    } else if (type.includes("multipart/form-data")) {
      body = await request.formData();
    }

    try {
      const now = this.now();
      const ctx = { state: this.state, rng: new Rng(this.state.rng), now };
      if (this.limiter) {
        const writer = WRITES_COUNTED_PER_USER.has(endpointKey(tool.method, tool.path)) ? (params.userId ?? this.hostOf(params.meetingId ?? params.webinarId)) : undefined;
        this.limiter.check((tool.rateLimit ?? "Medium") as RateLimitLabel, now, writer);
      }
      const answer = route.handler({ tool, params, query: Object.fromEntries(url.searchParams), body }, ctx);
      this.state.rng = ctx.rng.position;
      if (method !== "GET" && answer.status < 300) this.save();
      return answer;
    } catch (error) {
      if (error instanceof RateLimitError) return { status: 429, body: error.toBody(), headers: error.headers };
      if (error instanceof ZoomError) return { status: error.status, body: error.toBody() };
      this.options.logger?.error({ err: error instanceof Error ? error.message : String(error), tool: tool.name }, "sandbox handler failed");
      return { status: 500, body: { code: 500, message: "The sandbox failed to handle this request." } };
    }
  }

  private match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.tool.method !== method) continue;
      const m = route.pattern.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => (params[name] = decodeParam(m[i + 1]!)));
      return { route, params };
    }
    return undefined;
  }

  private hostOf(meetingId: string | undefined): string | undefined {
    if (!meetingId) return undefined;
    return [...this.state.meetings, ...this.state.webinars].find((m) => String(m.id) === meetingId)?.host_id;
  }

  private load(): SandboxState {
    const { statePath, seed } = this.options;
    if (statePath && existsSync(statePath)) {
      const loaded = JSON.parse(readFileSync(statePath, "utf8")) as OlderState & { version: number };
      if (loaded.version === STATE_VERSION) return loaded as SandboxState;
      if (loaded.version === 1 || loaded.version === 2) {
        const upgraded = upgradeFromV2(loaded.version === 1 ? upgradeFromV1(loaded) : loaded);
        this.options.logger?.info({ statePath, from: loaded.version, to: STATE_VERSION }, "sandbox state file upgraded: its data is kept, and what this version adds is filled in from it and its seed");
        return upgraded;
      }
      throw new Error(`${statePath} is not a zoom-mcp sandbox state this version reads (version ${String(loaded.version)}); delete it or pick another file.`);
    }
    return seedState(seed ?? DEFAULT_SEED);
  }

  /** Writes the state file atomically (temp file, then rename), when a path was given. */
  save(): void {
    const { statePath } = this.options;
    if (!statePath) return;
    const temp = `${statePath}.tmp`;
    writeFileSync(temp, `${JSON.stringify(this.state, null, 1)}\n`);
    renameSync(temp, statePath);
  }
}

/** Path values arrive encoded once, or twice for UUIDs that start with `/` or contain `//`. */
function decodeParam(raw: string): string {
  const once = decodeURIComponent(raw);
  return /%2F|%2B|%3D/i.test(once) ? decodeURIComponent(once) : once;
}

/** A state file from before version 3, which had no transcripts or meeting summaries. */
type OlderState = Omit<SandboxState, "version" | "transcripts" | "meetingSummaries"> & Partial<Pick<SandboxState, "transcripts" | "meetingSummaries">>;

/**
 * Version 1 had no phone, rooms or user settings: they start from the same seed's data, with phone
 * profiles only for users that still exist. Everything version 1 kept stays as it was.
 */
function upgradeFromV1(old: OlderState): OlderState {
  const fresh = seedState(old.seed);
  const ids = new Set(old.users.map((u) => u.id));
  const phoneUsers = Object.fromEntries(Object.entries(fresh.phoneUsers).filter(([id]) => ids.has(id)));
  const callQueues = fresh.callQueues.map((q) => ({ ...q, members: (q.members as string[]).filter((id) => ids.has(id)) }));
  return { ...old, userSettings: {}, phoneSites: fresh.phoneSites, phoneUsers, callQueues, rooms: fresh.rooms, roomLocations: fresh.roomLocations, rng: Math.max(old.rng, fresh.rng) };
}

/**
 * Version 2 had no transcripts or meeting summaries: each past meeting it kept gets a summary, and
 * each one with a cloud recording a transcript, drawn from the state's own random position.
 */
function upgradeFromV2(old: OlderState): SandboxState {
  const rng = new Rng(old.rng);
  const added = transcriptsAndSummaries(rng, old);
  return { ...old, version: STATE_VERSION, transcripts: old.transcripts ?? added.transcripts, meetingSummaries: old.meetingSummaries ?? added.meetingSummaries, rng: rng.position };
}
