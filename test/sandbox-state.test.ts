/**
 * The sandbox keeps state wherever an agent reads it back: for each stateful resource, a write
 * through a real MCP client, then every read that would show it. Also Zoom's time, recurrence,
 * user-status and tracking-ID behaviour, and the note on answers that are only examples. Endpoints
 * are named by method and path, never by tool name.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { README, withFreshStatefulTable } from "../scripts/sandbox-readme.js";
import { Sandbox, SANDBOX_TOKEN } from "../src/sandbox/index.js";
import { statefulHandlers } from "../src/sandbox/resources.js";
import { allTools, catalog, everyTool } from "./helpers/catalog.js";
import { callEndpoint, startHarness, textOf, type Harness } from "./helpers/harness.js";

const NOTE = "sandbox: example response, no state kept";

let h: Harness;
afterEach(() => h?.close());

async function start(config: Record<string, string> = {}): Promise<Harness> {
  h = await startHarness({ sandbox: true, credentials: "none", config: { toolsets: "all", ...config } });
  return h;
}

/** Calls the tool serving `endpoint` among the served tools. */
const call = (endpoint: string, args: Record<string, unknown> = {}): Promise<CallToolResult> => callEndpoint(h, endpoint, args);

async function ok(endpoint: string, args: Record<string, unknown> = {}): Promise<any> {
  const result = await call(endpoint, args);
  if (result.isError) throw new Error(`${endpoint}: ${textOf(result)}`);
  expect(result.content.map((c) => (c as { text: string }).text), `${endpoint} is stateful`).not.toContain(NOTE);
  const text = (result.content[0] as { text: string }).text;
  return text.startsWith("{") ? JSON.parse(text) : text;
}

async function failure(endpoint: string, args: Record<string, unknown>): Promise<string> {
  const result = await call(endpoint, args);
  expect(result.isError, `${endpoint} should fail`).toBe(true);
  return textOf(result);
}

const ids = (items: Array<{ id: string }>) => items.map((x) => x.id);

describe("sandbox read-back: write, read back, see the change", () => {
  it("group members: list group members, get user, get group and list groups agree", async () => {
    await start();
    const group = await ok("POST /groups", { name: "Design" });
    const other = await ok("POST /groups", { name: "Research" });
    expect(await failure("POST /groups", { name: "design" })).toContain("HTTP 409");
    const member = await ok("GET /users/{userId}", { userId: "member@sandbox.example" });

    const added = await ok("POST /groups/{groupId}/members", { groupId: group.id, members: [{ email: "member@sandbox.example" }, { id: member.id }] });
    expect(added.ids).toBe(`${member.id},${member.id}`);
    const listed = await ok("GET /groups/{groupId}/members", { groupId: group.id });
    expect(listed.members).toEqual([{ id: member.id, email: "member@sandbox.example", first_name: "Mia", last_name: "Member", type: 1, primary_group: true }]);
    expect(listed.total_records).toBe(1);
    expect((await ok("GET /users/{userId}", { userId: member.id })).group_ids).toEqual([group.id]);
    expect((await ok("GET /groups/{groupId}", { groupId: group.id })).total_members).toBe(1);
    expect((await ok("GET /groups")).groups.find((g: { id: string }) => g.id === group.id).total_members).toBe(1);
    expect((await ok("GET /users")).users.find((u: { id: string }) => u.id === member.id).group_ids).toEqual([group.id]);

    await ok("PATCH /groups/{groupId}/members/{memberId}", { groupId: group.id, memberId: member.id, action: "move", target_group_id: other.id });
    expect((await ok("GET /groups/{groupId}/members", { groupId: group.id })).members).toEqual([]);
    expect(ids((await ok("GET /groups/{groupId}/members", { groupId: other.id })).members)).toEqual([member.id]);
    expect((await ok("GET /users/{userId}", { userId: member.id })).group_ids).toEqual([other.id]);

    await ok("DELETE /groups/{groupId}/members/{memberId}", { groupId: other.id, memberId: member.id });
    expect((await ok("GET /users/{userId}", { userId: member.id })).group_ids).toEqual([]);
    expect(await failure("DELETE /groups/{groupId}/members/{memberId}", { groupId: other.id, memberId: member.id })).toContain("HTTP 404");
    expect(await failure("POST /groups/{groupId}/members", { groupId: group.id, members: [{ email: "nobody@example.com" }] })).toContain("code 1001");

    expect((await ok("GET /groups/{groupId}/settings", { groupId: group.id })).recording.cloud_recording).toBe(true);
    await ok("PATCH /groups/{groupId}/settings", { groupId: group.id, recording: { cloud_recording: false } });
    expect((await ok("GET /groups/{groupId}/settings", { groupId: group.id })).recording).toMatchObject({ cloud_recording: false, local_recording: true });
    await ok("PATCH /groups/{groupId}/lock_settings", { groupId: group.id, recording: { cloud_recording: true } });
    expect((await ok("GET /groups/{groupId}/lock_settings", { groupId: group.id })).recording).toMatchObject({ cloud_recording: true, local_recording: false });
    expect((await ok("GET /groups/{groupId}/settings", { groupId: other.id })).recording.cloud_recording).toBe(true);

    await ok("PATCH /groups/{groupId}", { groupId: group.id, name: "Product design" });
    expect((await ok("GET /groups/{groupId}", { groupId: group.id })).name).toBe("Product design");
    await ok("DELETE /groups/{groupId}", { groupId: group.id });
    expect(await failure("GET /groups/{groupId}", { groupId: group.id })).toContain("HTTP 404");
  });

  it("role members and a user's role: list role members, get user, list users by role and get role agree", async () => {
    await start();
    const member = await ok("GET /users/{userId}", { userId: "member@sandbox.example" });
    expect(member).toMatchObject({ role_id: "2", role_name: "Member" });
    const role = await ok("POST /roles", { name: "Helpdesk", description: "Answers tickets", privileges: ["User:Read"] });
    expect(role.total_members).toBe(0);

    await ok("POST /roles/{roleId}/members", { roleId: role.id, members: [{ email: "member@sandbox.example" }] });
    expect(ids((await ok("GET /roles/{roleId}/members", { roleId: role.id })).members)).toEqual([member.id]);
    expect(await ok("GET /users/{userId}", { userId: member.id })).toMatchObject({ role_id: role.id, role_name: "Helpdesk" });
    expect(ids((await ok("GET /users", { role_id: role.id })).users)).toEqual([member.id]);
    expect((await ok("GET /roles/{roleId}", { roleId: role.id })).total_members).toBe(1);
    expect((await ok("GET /roles")).roles.find((r: { id: string }) => r.id === role.id).total_members).toBe(1);
    // One role per user: the Member role lost them.
    expect(ids((await ok("GET /roles/{roleId}/members", { roleId: "2" })).members)).not.toContain(member.id);
    expect(await failure("DELETE /roles/{roleId}", { roleId: role.id })).toContain("still has members");

    await ok("DELETE /roles/{roleId}/members/{memberId}", { roleId: role.id, memberId: member.id });
    expect(await ok("GET /users/{userId}", { userId: member.id })).toMatchObject({ role_id: "2", role_name: "Member" });
    expect((await ok("GET /roles/{roleId}/members", { roleId: role.id })).members).toEqual([]);
    await ok("PATCH /roles/{roleId}", { roleId: role.id, name: "Service desk" });
    expect((await ok("GET /roles/{roleId}", { roleId: role.id })).name).toBe("Service desk");
    await ok("DELETE /roles/{roleId}", { roleId: role.id });
    expect(await failure("GET /roles/{roleId}", { roleId: role.id })).toContain("HTTP 404");
    expect(await failure("POST /roles/{roleId}/members", { roleId: "0", members: [{ email: "member@sandbox.example" }] })).toContain("Owner role cannot be assigned");
  });

  it("users: created pending, activated, email, type and settings changed, deactivated; every read agrees", async () => {
    await start();
    const created = await ok("POST /users", { action: "create", user_info: { email: "new.hire@example.com", first_name: "Nia", last_name: "Hire", type: 1 } });
    expect((await ok("GET /users/{userId}", { userId: created.id })).status).toBe("pending");
    expect(ids((await ok("GET /users")).users)).not.toContain(created.id);
    expect(ids((await ok("GET /users", { status: "pending" })).users)).toEqual([created.id]);
    const direct = await ok("POST /users", { action: "custCreate", user_info: { email: "kiosk@example.com", type: 1 } });
    expect((await ok("GET /users/{userId}", { userId: direct.id })).status).toBe("active");

    await ok("PUT /users/{userId}/status", { userId: created.id, action: "activate" });
    expect((await ok("GET /users/{userId}", { userId: created.id })).status).toBe("active");
    expect(ids((await ok("GET /users")).users)).toContain(created.id);

    await ok("PUT /users/{userId}/email", { userId: created.id, email: "nia.hire@example.com" });
    expect((await ok("GET /users/{userId}", { userId: created.id })).email).toBe("nia.hire@example.com");
    expect((await ok("GET /users/{userId}", { userId: "nia.hire@example.com" })).id).toBe(created.id);
    expect(await ok("GET /users/email", { email: "nia.hire@example.com" })).toEqual({ existed_email: true });
    expect(await ok("GET /users/email", { email: "new.hire@example.com" })).toEqual({ existed_email: false });
    expect(await failure("PUT /users/{userId}/email", { userId: created.id, email: "owner@sandbox.example" })).toContain("HTTP 409");
    const meeting = await ok("POST /users/{userId}/meetings", { userId: created.id, topic: "Onboarding", type: 2, start_time: "2026-04-01T16:00:00Z" });
    await ok("PUT /users/{userId}/email", { userId: created.id, email: "nia@example.com" });
    expect((await ok("GET /meetings/{meetingId}", { meetingId: meeting.id })).host_email).toBe("nia@example.com");

    await ok("PATCH /users/{userId}", { userId: created.id, type: 2, dept: "Sales" });
    expect(await ok("GET /users/{userId}", { userId: created.id })).toMatchObject({ type: 2, dept: "Sales" });
    expect((await ok("GET /users")).users.find((u: { id: string }) => u.id === created.id)).toMatchObject({ type: 2 });

    const before = await ok("GET /users/{userId}/settings", { userId: created.id });
    expect(before.in_meeting.waiting_room).toBe(true);
    await ok("PATCH /users/{userId}/settings", { userId: created.id, in_meeting: { waiting_room: false }, recording: { auto_recording: "cloud" } });
    const after = await ok("GET /users/{userId}/settings", { userId: created.id });
    expect(after.in_meeting).toMatchObject({ waiting_room: false, chat: true });
    expect(after.recording.auto_recording).toBe("cloud");
    expect((await ok("GET /users/{userId}/settings", { userId: "owner@sandbox.example" })).in_meeting.waiting_room).toBe(true);

    await ok("PUT /users/{userId}/status", { userId: created.id, action: "deactivate" });
    expect((await ok("GET /users/{userId}", { userId: created.id })).status).toBe("inactive");
    expect(ids((await ok("GET /users", { status: "inactive" })).users)).toEqual([created.id]);
    expect(await failure("PUT /users/{userId}/status", { userId: "me", action: "deactivate" })).toContain("account owner");
  });

  it("meeting and webinar settings: update, then get shows the merged settings", async () => {
    await start();
    const m = await ok("POST /users/{userId}/meetings", { userId: "me", topic: "Design review", type: 2, start_time: "2026-04-01T16:00:00Z", settings: { waiting_room: true } });
    await ok("PATCH /meetings/{meetingId}", { meetingId: m.id, topic: "Design review v2", settings: { mute_upon_entry: true, waiting_room: false } });
    const got = await ok("GET /meetings/{meetingId}", { meetingId: m.id });
    expect(got.topic).toBe("Design review v2");
    expect(got.settings).toMatchObject({ mute_upon_entry: true, waiting_room: false, approval_type: 2 });
    expect((await ok("GET /users/{userId}/meetings", { userId: "me" })).meetings.find((x: { id: number }) => x.id === m.id).topic).toBe("Design review v2");

    const w = await ok("POST /users/{userId}/webinars", { userId: "me", topic: "Launch", type: 5, start_time: "2026-04-02T16:00:00Z" });
    await ok("PATCH /webinars/{webinarId}", { webinarId: w.id, settings: { auto_recording: "cloud" }, duration: 90 });
    expect(await ok("GET /webinars/{webinarId}", { webinarId: w.id })).toMatchObject({ duration: 90, settings: { auto_recording: "cloud" } });

    const polls = await ok("POST /meetings/{meetingId}/batch_polls", { meetingId: m.id, polls: [{ title: "Q1", questions: [{ name: "Ready?", type: "single", answers: ["Yes", "No"] }] }, { title: "Q2", questions: [{ name: "Clear?", type: "single", answers: ["Yes", "No"] }] }] });
    expect((await ok("GET /meetings/{meetingId}/polls", { meetingId: m.id })).polls.map((p: { id: string }) => p.id)).toEqual(ids(polls.polls));

    const batch = await ok("POST /webinars/{webinarId}/batch_registrants", { webinarId: w.id, auto_approve: true, registrants: [{ email: "ana@example.com", first_name: "Ana" }, { email: "bo@example.com", first_name: "Bo" }] });
    const listed = (await ok("GET /webinars/{webinarId}/registrants", { webinarId: w.id })).registrants;
    expect(listed.map((r: { email: string }) => r.email)).toEqual(["ana@example.com", "bo@example.com"]);
    const first = batch.registrants[0].registrant_id;
    expect(await ok("GET /webinars/{webinarId}/registrants/{registrantId}", { webinarId: w.id, registrantId: first })).toMatchObject({ email: "ana@example.com", status: "approved" });
    await ok("DELETE /webinars/{webinarId}/registrants/{registrantId}", { webinarId: w.id, registrantId: first });
    expect(await failure("GET /webinars/{webinarId}/registrants/{registrantId}", { webinarId: w.id, registrantId: first })).toContain("HTTP 404");

    const recorded = h.app.sandbox!.state.recordings[0]!;
    await ok("PATCH /meetings/{meetingId}/recordings/settings", { meetingId: String(recorded.uuid), viewer_download: false });
    expect((await ok("GET /meetings/{meetingId}/recordings/settings", { meetingId: String(recorded.uuid) })).viewer_download).toBe(false);
  });

  it("cloud recordings: trash, list the trash, recover, delete for good; files one by one", async () => {
    await start();
    const recorded = h.app.sandbox!.state.recordings[0]!;
    const uuid = String(recorded.uuid);
    const listed = async (args: Record<string, unknown> = {}) => (await ok("GET /users/{userId}/recordings", { userId: "me", ...args })).meetings.map((m: { uuid: string }) => m.uuid);
    expect(await listed()).toEqual([uuid]);

    const [video, audio] = (await ok("GET /meetings/{meetingId}/recordings", { meetingId: uuid })).recording_files;
    await ok("DELETE /meetings/{meetingId}/recordings/{recordingId}", { meetingId: uuid, recordingId: audio.id });
    expect(await ok("GET /meetings/{meetingId}/recordings", { meetingId: uuid })).toMatchObject({ recording_count: 1, recording_files: [{ id: video.id }] });
    expect((await ok("GET /users/{userId}/recordings", { userId: "me", trash: true, trash_type: "recording_file" })).meetings[0].recording_files.map((f: { id: string }) => f.id)).toEqual([audio.id]);
    await ok("PUT /meetings/{meetingId}/recordings/{recordingId}/status", { meetingId: uuid, recordingId: audio.id, action: "recover" });
    expect((await ok("GET /meetings/{meetingId}/recordings", { meetingId: uuid })).recording_count).toBe(2);

    await ok("DELETE /meetings/{meetingId}/recordings", { meetingId: uuid });
    expect(await listed()).toEqual([]);
    expect(await listed({ trash: true })).toEqual([uuid]);
    expect(await failure("GET /meetings/{meetingId}/recordings", { meetingId: uuid })).toContain("code 3301");
    await ok("PUT /meetings/{meetingUUID}/recordings/status", { meetingUUID: uuid, action: "recover" });
    expect(await listed()).toEqual([uuid]);

    await ok("DELETE /meetings/{meetingId}/recordings", { meetingId: uuid, action: "delete" });
    expect(await listed({ trash: true })).toEqual([]);
    expect(await failure("PUT /meetings/{meetingUUID}/recordings/status", { meetingUUID: uuid, action: "recover" })).toContain("code 3301");
  });

  it("phone sites and phone users: moving a user and changing an extension shows in get, list and the site filter", async () => {
    await start();
    const site = await ok("POST /phone/sites", { name: "Lisbon", auto_receptionist_name: "Lisbon AR", default_emergency_address: { address_line1: "Rua 1", city: "Lisbon", country: "PT", state_code: "LX", zip: "1000-001" } });
    expect(ids((await ok("GET /phone/sites")).sites)).toContain(site.id);
    expect((await ok("GET /phone/sites/{siteId}", { siteId: site.id })).name).toBe("Lisbon");
    await ok("PATCH /phone/sites/{siteId}", { siteId: site.id, name: "Lisbon office" });
    expect((await ok("GET /phone/sites/{siteId}", { siteId: site.id })).name).toBe("Lisbon office");

    const phoneUsers = (await ok("GET /phone/users")).users;
    expect(phoneUsers.map((u: { email: string }) => u.email)).toEqual(["owner@sandbox.example", "admin@sandbox.example"]);
    await ok("PATCH /phone/users/{userId}", { userId: "admin@sandbox.example", site_id: site.id, extension_number: "305" });
    expect(await ok("GET /phone/users/{userId}", { userId: "admin@sandbox.example" })).toMatchObject({ extension_number: 305, site: { id: site.id, name: "Lisbon office" } });
    expect((await ok("GET /phone/users", { site_id: site.id })).users.map((u: { email: string }) => u.email)).toEqual(["admin@sandbox.example"]);
    expect(await failure("PATCH /phone/users/{userId}", { userId: "me", extension_number: "305" })).toContain("HTTP 409");
    expect(await failure("GET /phone/users/{userId}", { userId: "member@sandbox.example" })).toContain("no phone license");

    const main = h.app.sandbox!.state.phoneSites[0]!;
    await ok("DELETE /phone/sites/{siteId}", { siteId: site.id, transfer_site_id: String(main.id) });
    expect((await ok("GET /phone/users/{userId}", { userId: "admin@sandbox.example" })).site.id).toBe(main.id);
    expect(await failure("GET /phone/sites/{siteId}", { siteId: site.id })).toContain("HTTP 404");
  });

  it("call queues and their members: create, add, manager, remove; list and get agree", async () => {
    await start();
    const site = h.app.sandbox!.state.phoneSites[0]!;
    const owner = await ok("GET /users/{userId}", { userId: "me" });
    const admin = await ok("GET /users/{userId}", { userId: "admin@sandbox.example" });
    const queue = await ok("POST /phone/call_queues", { name: "Billing", site_id: String(site.id), members: { users: [{ email: "owner@sandbox.example" }] } });
    expect(queue).toMatchObject({ name: "Billing", status: "active" });
    const listed = (await ok("GET /phone/call_queues")).call_queues.find((q: { id: string }) => q.id === queue.id);
    expect(listed).toMatchObject({ name: "Billing", extension_number: queue.extension_number, site: { id: site.id, name: site.name } });
    expect(ids((await ok("GET /phone/call_queues/{callQueueId}", { callQueueId: queue.id })).members.users)).toEqual([owner.id]);

    await ok("POST /phone/call_queues/{callQueueId}/members", { callQueueId: queue.id, members: { users: [{ id: admin.id }] } });
    await ok("PUT /phone/call_queues/{callQueueId}/manager", { callQueueId: queue.id, member_id: admin.id });
    const got = await ok("GET /phone/call_queues/{callQueueId}", { callQueueId: queue.id });
    expect(got.members.users.map((u: { id: string; level: string }) => [u.id, u.level])).toEqual([
      [owner.id, "user"],
      [admin.id, "manager"],
    ]);
    expect(await failure("POST /phone/call_queues/{callQueueId}/members", { callQueueId: queue.id, members: { users: [{ email: "member@sandbox.example" }] } })).toContain("not a Zoom Phone user");

    await ok("DELETE /phone/call_queues/{callQueueId}/members/{memberId}", { callQueueId: queue.id, memberId: owner.id });
    expect(ids((await ok("GET /phone/call_queues/{callQueueId}", { callQueueId: queue.id })).members.users)).toEqual([admin.id]);
    await ok("DELETE /phone/call_queues/{callQueueId}/members", { callQueueId: queue.id });
    expect((await ok("GET /phone/call_queues/{callQueueId}", { callQueueId: queue.id })).members.users).toEqual([]);

    await ok("PATCH /phone/call_queues/{callQueueId}", { callQueueId: queue.id, name: "Billing & refunds", description: "Money questions" });
    expect(await ok("GET /phone/call_queues/{callQueueId}", { callQueueId: queue.id })).toMatchObject({ name: "Billing & refunds", description: "Money questions" });
    expect((await ok("GET /phone/call_queues")).call_queues.find((q: { id: string }) => q.id === queue.id).name).toBe("Billing & refunds");
    await ok("DELETE /phone/call_queues/{callQueueId}", { callQueueId: queue.id });
    expect(await failure("GET /phone/call_queues/{callQueueId}", { callQueueId: queue.id })).toContain("HTTP 404");
  });

  it("Zoom Rooms and their locations: create, rename, move; list, get and the location filter agree", async () => {
    await start();
    const [country, building] = h.app.sandbox!.state.roomLocations;
    const floor = await ok("POST /rooms/locations", { name: "Floor 2", parent_location_id: String(building!.id) });
    expect(floor).toMatchObject({ type: "floor", parent_location_id: building!.id });
    expect(ids((await ok("GET /rooms/locations", { parent_location_id: String(building!.id) })).locations)).toEqual([floor.id]);
    await ok("PATCH /rooms/locations/{locationId}", { locationId: floor.id, basic: { name: "Second floor", description: "Open space" } });
    expect((await ok("GET /rooms/locations/{locationId}", { locationId: floor.id })).basic).toMatchObject({ name: "Second floor", description: "Open space" });
    expect((await ok("GET /rooms/locations", { type: "floor" })).locations.map((l: { name: string }) => l.name)).toEqual(["Second floor"]);
    expect(await failure("PUT /rooms/locations/{locationId}/location", { locationId: String(country!.id), parent_location_id: floor.id })).toContain("HTTP 400");

    const room = await ok("POST /rooms", { name: "Huddle 1", type: "ZoomRoom", location_id: floor.id });
    expect(ids((await ok("GET /rooms", { location_id: floor.id })).rooms)).toEqual([room.id]);
    expect((await ok("GET /rooms/{roomId}", { roomId: room.id })).basic).toMatchObject({ name: "Huddle 1", location_id: floor.id, zoom_room_type: "ZoomRoom" });

    await ok("PATCH /rooms/{roomId}", { roomId: room.id, basic: { name: "Huddle One", capacity: 6 } });
    expect((await ok("GET /rooms/{roomId}", { roomId: room.id })).basic).toMatchObject({ name: "Huddle One", capacity: 6 });
    expect((await ok("GET /rooms")).rooms.find((r: { id: string }) => r.id === room.id).name).toBe("Huddle One");

    expect((await ok("GET /rooms/{id}/settings", { id: room.id, setting_type: "meeting" })).zoom_rooms.auto_start_scheduled_meeting).toBe(false);
    await ok("PATCH /rooms/{id}/settings", { id: room.id, setting_type: "meeting", zoom_rooms: { auto_start_scheduled_meeting: true } });
    expect((await ok("GET /rooms/{id}/settings", { id: room.id, setting_type: "meeting" })).zoom_rooms).toMatchObject({ auto_start_scheduled_meeting: true, display_meeting_list: true });
    await ok("PATCH /rooms/{id}/settings", { id: room.id, setting_type: "alert", client_alert: { detect_camera_error_alert: false } });
    expect((await ok("GET /rooms/{id}/settings", { id: room.id, setting_type: "alert" })).client_alert.detect_camera_error_alert).toBe(false);
    expect(await failure("PATCH /rooms/{id}/settings", { id: room.id, setting_type: "meeting", client_alert: { detect_camera_error_alert: true } })).toContain("pass setting_type");
    await ok("PATCH /rooms/locations/{locationId}/settings", { locationId: floor.id, setting_type: "meeting", meeting_security: { auto_security: false } });
    expect((await ok("GET /rooms/locations/{locationId}/settings", { locationId: floor.id, setting_type: "meeting" })).meeting_security.auto_security).toBe(false);

    await ok("PUT /rooms/{roomId}/location", { roomId: room.id, location_id: String(building!.id) });
    expect((await ok("GET /rooms", { location_id: floor.id })).rooms).toEqual([]);
    expect((await ok("GET /rooms/{roomId}", { roomId: room.id })).basic.location_id).toBe(building!.id);
    await ok("DELETE /rooms/{roomId}", { roomId: room.id });
    expect(await failure("GET /rooms/{roomId}", { roomId: room.id })).toContain("HTTP 404");
  });
});

describe("sandbox: Zoom's behaviour", () => {
  it("returns start times in UTC with Z next to the timezone, converting local times", async () => {
    await start();
    const local = await ok("POST /users/{userId}/meetings", { userId: "me", topic: "NY", type: 2, start_time: "2026-04-01T10:00:00", timezone: "America/New_York" });
    expect(local).toMatchObject({ start_time: "2026-04-01T14:00:00Z", timezone: "America/New_York" });
    const offset = await ok("POST /users/{userId}/meetings", { userId: "me", topic: "Offset", type: 2, start_time: "2026-04-01T10:00:00+02:00", timezone: "Europe/Paris" });
    expect(offset.start_time).toBe("2026-04-01T08:00:00Z");
    // No timezone: the host's (America/New_York for the seeded owner). Winter: UTC-5.
    const hostTz = await ok("POST /users/{userId}/meetings", { userId: "me", topic: "Host tz", type: 2, start_time: "2026-12-01T09:30:00" });
    expect(hostTz).toMatchObject({ start_time: "2026-12-01T14:30:00Z", timezone: "America/New_York" });
    await ok("PATCH /meetings/{meetingId}", { meetingId: local.id, start_time: "2026-04-02T08:00:00", timezone: "Asia/Tokyo" });
    expect(await ok("GET /meetings/{meetingId}", { meetingId: local.id })).toMatchObject({ start_time: "2026-04-01T23:00:00Z", timezone: "Asia/Tokyo" });
    expect(await failure("POST /users/{userId}/meetings", { userId: "me", topic: "x", type: 2, start_time: "2026-04-01T10:00:00", timezone: "Mars/Olympus" })).toContain("- timezone: Invalid field");
  });

  it("accepts past start times as Zoom does: a meeting's moves to now, a webinar's is kept", async () => {
    await start();
    const now = new Date(h.clock.now).toISOString().replace(/\.\d{3}Z$/, "Z");
    const meeting = await ok("POST /users/{userId}/meetings", { userId: "me", topic: "Late", type: 2, start_time: "2020-01-01T10:00:00Z" });
    expect(meeting.start_time).toBe(now);
    const webinar = await ok("POST /users/{userId}/webinars", { userId: "me", topic: "Late webinar", type: 5, start_time: "2020-01-01T10:00:00Z" });
    expect(webinar.start_time).toBe("2020-01-01T10:00:00Z");
  });

  it("computes occurrences from recurrence: weekly days, daily across a DST change, monthly, end_date_time; deletes one", async () => {
    await start();
    const weekly = await ok("POST /users/{userId}/meetings", {
      userId: "me", topic: "Mon+Thu", type: 8, start_time: "2026-04-01T10:00:00", timezone: "America/New_York", duration: 30,
      recurrence: { type: 2, repeat_interval: 1, weekly_days: "2,5", end_times: 4 },
    });
    // 2026-04-01 is a Wednesday: the first occurrence is Thursday the 2nd, 10:00 New York (UTC-4).
    expect(weekly.occurrences.map((o: { start_time: string }) => o.start_time)).toEqual(["2026-04-02T14:00:00Z", "2026-04-06T14:00:00Z", "2026-04-09T14:00:00Z", "2026-04-13T14:00:00Z"]);
    expect(weekly.occurrences[0]).toEqual({ occurrence_id: String(Date.parse("2026-04-02T14:00:00Z")), start_time: "2026-04-02T14:00:00Z", duration: 30, status: "available" });
    expect(weekly.start_time).toBe("2026-04-02T14:00:00Z");

    // New York moves to daylight time on 2026-03-08: 09:00 local is 14:00Z before and 13:00Z after.
    const daily = await ok("POST /users/{userId}/meetings", {
      userId: "me", topic: "Daily", type: 8, start_time: "2026-03-06T09:00:00", timezone: "America/New_York",
      recurrence: { type: 1, repeat_interval: 1, end_date_time: "2026-03-10T00:00:00Z" },
    });
    expect(daily.occurrences.map((o: { start_time: string }) => o.start_time)).toEqual(["2026-03-06T14:00:00Z", "2026-03-07T14:00:00Z", "2026-03-08T13:00:00Z", "2026-03-09T13:00:00Z"]);

    const monthly = await ok("POST /users/{userId}/meetings", {
      userId: "me", topic: "Monthly", type: 8, start_time: "2026-04-30T12:00:00Z", timezone: "UTC",
      recurrence: { type: 3, repeat_interval: 1, monthly_day: 31, end_times: 3 },
    });
    // Months without a 31st are skipped.
    expect(monthly.occurrences.map((o: { start_time: string }) => o.start_time)).toEqual(["2026-05-31T12:00:00Z", "2026-07-31T12:00:00Z", "2026-08-31T12:00:00Z"]);
    const lastFriday = await ok("POST /users/{userId}/meetings", {
      userId: "me", topic: "Last Friday", type: 8, start_time: "2026-03-02T12:00:00Z", timezone: "UTC",
      recurrence: { type: 3, repeat_interval: 2, monthly_week: -1, monthly_week_day: 6, end_times: 2 },
    });
    expect(lastFriday.occurrences.map((o: { start_time: string }) => o.start_time)).toEqual(["2026-03-27T12:00:00Z", "2026-05-29T12:00:00Z"]);

    const second = weekly.occurrences[1].occurrence_id;
    await ok("DELETE /meetings/{meetingId}", { meetingId: weekly.id, occurrence_id: second });
    const after = await ok("GET /meetings/{meetingId}", { meetingId: weekly.id });
    expect(after.occurrences.map((o: { occurrence_id: string }) => o.occurrence_id)).not.toContain(second);
    expect(after.occurrences).toHaveLength(3);
    const withPrevious = await ok("GET /meetings/{meetingId}", { meetingId: weekly.id, show_previous_occurrences: true });
    expect(withPrevious.occurrences.find((o: { occurrence_id: string }) => o.occurrence_id === second).status).toBe("deleted");
    expect((await ok("GET /meetings/{meetingId}", { meetingId: weekly.id, occurrence_id: weekly.occurrences[2].occurrence_id })).start_time).toBe("2026-04-09T14:00:00Z");

    const recurringWebinar = await ok("POST /users/{userId}/webinars", { userId: "me", topic: "Series", type: 9, start_time: "2026-04-01T15:00:00Z", recurrence: { type: 1, repeat_interval: 7, end_times: 0 } });
    expect(recurringWebinar.occurrences).toHaveLength(50);
    expect(await failure("POST /users/{userId}/meetings", { userId: "me", topic: "x", type: 8, start_time: "2026-04-01T10:00:00Z", recurrence: { type: 1, end_times: 2, end_date_time: "2026-05-01T00:00:00Z" } })).toContain("cannot be used together");
  });

  it("gives every response its own tracking ID", async () => {
    await start();
    const sandbox = h.app.sandbox!;
    const seen = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const response = await sandbox.fetch("https://sandbox.zoom-mcp.invalid/v2/users/me", { headers: { authorization: `Bearer ${SANDBOX_TOKEN}` } });
      seen.add(response.headers.get("x-zm-trackingid")!);
    }
    expect(seen.size).toBe(5);
    const a = textOf(await call("GET /users/{userId}", { userId: "nobody@example.com" }));
    const b = textOf(await call("GET /users/{userId}", { userId: "nobody@example.com" }));
    const trackingId = (t: string) => /Zoom tracking ID: (\S+)/.exec(t)![1];
    expect(trackingId(a)).not.toBe(trackingId(b));
  });
});

describe("sandbox: answers that keep no state say so", () => {
  const generic = (pick: (t: (typeof allTools)[number]) => boolean) => allTools.find((t) => pick(t) && statefulHandlers[`${t.method} ${t.path}`] === undefined)!;

  it("adds the note as its own content item to example answers, with and without a body, and never to stateful ones", async () => {
    await start();
    const read = generic((t) => t.method === "GET" && t.pathParams.length === 0 && !t.paginated && t.queryParams.length === 0);
    const result = await h.call(read.name, {});
    expect(result.isError).toBeFalsy();
    expect(result.content).toHaveLength(2);
    expect(() => JSON.parse((result.content[0] as { text: string }).text)).not.toThrow();
    expect(result.content[1]).toEqual({ type: "text", text: NOTE });

    const patch = generic((t) => t.method === "PATCH" && t.pathParams.length === 0 && !(t.inputSchema.required as string[] | undefined)?.length);
    const write = await h.call(patch.name, {});
    expect(write.isError, textOf(write)).toBeFalsy();
    expect(write.content.at(-1)).toEqual({ type: "text", text: NOTE });

    const list = generic((t) => t.paginated === true && t.pathParams.length === 0);
    const paged = await h.call(list.name, { all_pages: true, max_items: 5 });
    expect(paged.content.map((c) => (c as { text: string }).text)).toContain(NOTE);

    const stateful = await call("GET /users");
    expect(stateful.content.map((c) => (c as { text: string }).text)).not.toContain(NOTE);
    const failed = await call("GET /groups/{groupId}/members", { groupId: "nope" });
    expect(failed.isError).toBe(true);
    expect(textOf(failed)).not.toContain(NOTE);
  });
});

describe("sandbox: the stateful table", () => {
  it("keys every handler by an endpoint the catalog (or its extended set) has, as METHOD /path", () => {
    const endpoints = new Set(everyTool.map((t) => `${t.method} ${t.path}`));
    expect(Object.keys(statefulHandlers).filter((k) => !endpoints.has(k))).toEqual([]);
    expect(Object.keys(statefulHandlers).length).toBeGreaterThanOrEqual(124);
  });

  it("is published in the README, fresh (run npm run generate when this fails)", () => {
    const readme = readFileSync(README, "utf8");
    expect(withFreshStatefulTable(readme) === readme, "README sandbox table is stale: run npm run generate").toBe(true);
  });

  it("upgrades a version 1 state file, keeping its data and adding phone and rooms", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "zoom-mcp-")), "state.json");
    await start({ sandboxState: file });
    const meeting = await ok("POST /users/{userId}/meetings", { userId: "me", topic: "Kept", type: 2, start_time: "2026-04-01T16:00:00Z" });
    await h.close();
    const saved = JSON.parse(readFileSync(file, "utf8"));
    for (const key of ["userSettings", "phoneSites", "phoneUsers", "callQueues", "rooms", "roomLocations"]) delete saved[key];
    writeFileSync(file, JSON.stringify({ ...saved, version: 1 }));

    await start({ sandboxState: file });
    expect((await ok("GET /meetings/{meetingId}", { meetingId: meeting.id })).topic).toBe("Kept");
    expect((await ok("GET /phone/users")).users).toHaveLength(2);
    writeFileSync(file, JSON.stringify({ ...saved, version: 99 }));
    expect(() => new Sandbox({ catalog, statePath: file })).toThrow(/version 99/);
  });
});
