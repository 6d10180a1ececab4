/**
 * Zoom Rooms and their location hierarchy (country > states > city > campus > building > floor).
 * A room's name and location show the same in list, get and after a move.
 */
import { bodyOf, findIn, findUser, remove, type Body } from "./find.js";
import { merge, noContent, ok, page, validationFailed, ZoomError, type HandlerContext, type HandlerTable } from "./http.js";
import { newRoom } from "./seed.js";
import type { Json } from "./state.js";

const LEVELS = ["country", "states", "city", "campus", "building", "floor"] as const;

const findRoom = (ctx: HandlerContext, id: string) => findIn(ctx.state.rooms, id, "Room", 300);
const findLocation = (ctx: HandlerContext, id: string) => findIn(ctx.state.roomLocations, id, "Location", 300);

function roomListView(r: Json): Json {
  return { id: r.id, room_id: r.room_id, name: r.name, type: r.type, location_id: r.location_id, status: r.status, activation_code: r.activation_code, tag_ids: r.tag_ids };
}

function roomView(r: Json): Json {
  return {
    basic: { ...(r.basic as Json), name: r.name, zoom_room_type: r.type, location_id: r.location_id, activation_code: r.activation_code, tag_ids: r.tag_ids, ...(r.user_id ? { user_id: r.user_id } : {}), ...(r.calendar_resource_id ? { calendar_resource_id: r.calendar_resource_id } : {}) },
    device: r.device,
    setup: r.setup,
  };
}

function locationListView(l: Json): Json {
  return { id: l.id, name: l.name, parent_location_id: l.parent_location_id, type: l.type };
}

function locationView(l: Json): Json {
  return { basic: { ...(l.basic as Json), name: l.name, parent_location_id: l.parent_location_id }, setup: l.setup ?? {} };
}

/** A location's type is one level below its parent's; the top level is a country. */
function levelBelow(ctx: HandlerContext, parentId: string): string {
  if (!parentId) return LEVELS[0];
  const parent = findLocation(ctx, parentId);
  const i = LEVELS.indexOf(parent.type as (typeof LEVELS)[number]);
  if (i === LEVELS.length - 1) throw new ZoomError(400, 300, `A floor cannot contain another location: ${parentId}.`);
  return LEVELS[i + 1]!;
}

function checkLocation(ctx: HandlerContext, locationId: unknown): string {
  if (locationId === undefined || locationId === "") return "";
  return String(findLocation(ctx, String(locationId)).id);
}

/** Which top-level sections each `setting_type` reads and writes. */
const SETTING_TYPES: Record<string, readonly string[]> = {
  meeting: ["zoom_rooms", "meeting_security"],
  alert: ["client_alert", "notification"],
  signage: ["digital_signage"],
  scheduling_display: ["scheduling_display"],
};

function defaultRoomSettings(): Json {
  return {
    zoom_rooms: { auto_start_scheduled_meeting: false, auto_stop_scheduled_meeting: false, display_meeting_list: true, display_top_banner: true, hide_self_view: false, show_alert_before_meeting: true, upcoming_meeting_alert: true },
    meeting_security: { encryption_type: "enhanced_encryption", auto_security: true, waiting_room: false },
    client_alert: { detect_microphone_error_alert: true, detect_camera_error_alert: true, detect_network_error_alert: true },
    notification: { audio_not_meet_usable_threshold: true, battery_low_and_not_charging: true, controller_scheduling_disconnected: true },
    digital_signage: { enable_digital_signage: false, display_period: { start_displaying_content: 5, stop_displaying_content: 5 } },
    scheduling_display: { show_meeting_topic: true, show_host_name: true },
  };
}

/** The `setting_type` sections of a room's or location's settings, created from the defaults on first use. */
function settingsSections(record: Json, settingType: string | undefined): { settings: Json; sections: readonly string[] } {
  const sections = SETTING_TYPES[settingType ?? "meeting"];
  if (!sections) throw validationFailed([{ field: "setting_type", message: `Invalid field: one of ${Object.keys(SETTING_TYPES).join(", ")}.` }]);
  return { settings: (record.settings ??= defaultRoomSettings()) as Json, sections };
}

function readSettings(record: Json, settingType: string | undefined): Json {
  const { settings, sections } = settingsSections(record, settingType);
  return Object.fromEntries(sections.map((k) => [k, settings[k]]));
}

function writeSettings(record: Json, settingType: string | undefined, body: Body): void {
  const { settings, sections } = settingsSections(record, settingType);
  const outside = Object.keys(body).filter((k) => !sections.includes(k));
  if (outside.length) throw validationFailed(outside.map((k) => ({ field: k, message: `Not a ${settingType ?? "meeting"} setting: pass setting_type for it.` })));
  merge(settings, body);
}

const rooms: HandlerTable = {
  "GET /rooms": (req, ctx) => {
    const q = req.query;
    const name = q.query_name?.toLowerCase();
    const chosen = ctx.state.rooms.filter(
      (r) =>
        (!q.location_id || r.location_id === q.location_id) &&
        (!q.type || r.type === q.type) &&
        (!q.status || r.status === q.status) &&
        (q.unassigned_rooms !== "true" || !r.location_id) &&
        (!name || String(r.name).toLowerCase().includes(name)),
    );
    return ok(page(chosen.map(roomListView), q, "rooms"));
  },
  "POST /rooms": (req, ctx) => {
    const body = bodyOf(req);
    if (typeof body.name !== "string" || !body.name.trim()) throw validationFailed([{ field: "name", message: "Invalid field: a room needs a name." }]);
    if (body.user_id !== undefined) findUser(ctx, String(body.user_id));
    const room = newRoom(ctx.rng, { ...body, location_id: checkLocation(ctx, body.location_id) });
    ctx.state.rooms.push(room);
    return { status: 201, body: { ...roomListView(room), tags: [], ...(room.user_id ? { user_id: room.user_id } : {}) } };
  },
  "GET /rooms/{roomId}": (req, ctx) => ok(roomView(findRoom(ctx, req.params.roomId!))),
  "PATCH /rooms/{roomId}": (req, ctx) => {
    const room = findRoom(ctx, req.params.roomId!);
    const body = bodyOf(req);
    const basic = { ...((body.basic as Body | undefined) ?? {}) };
    if (basic.name !== undefined) room.name = basic.name;
    if (basic.zoom_room_type !== undefined) room.type = basic.zoom_room_type;
    if (basic.tag_ids !== undefined) room.tag_ids = basic.tag_ids;
    if (basic.calendar_resource_id !== undefined) room.calendar_resource_id = basic.calendar_resource_id;
    for (const k of ["name", "zoom_room_type", "tag_ids", "calendar_resource_id"]) delete basic[k];
    merge(room.basic as Json, basic);
    if (body.device) merge(room.device as Json, body.device);
    if (body.setup) merge(room.setup as Json, body.setup);
    return noContent();
  },
  "DELETE /rooms/{roomId}": (req, ctx) => {
    remove(ctx.state.rooms, findRoom(ctx, req.params.roomId!));
    return noContent();
  },
  "GET /rooms/{id}/settings": (req, ctx) => ok(readSettings(findRoom(ctx, req.params.id!), req.query.setting_type)),
  "PATCH /rooms/{id}/settings": (req, ctx) => {
    writeSettings(findRoom(ctx, req.params.id!), req.query.setting_type, bodyOf(req));
    return noContent();
  },
  "PUT /rooms/{roomId}/location": (req, ctx) => {
    const room = findRoom(ctx, req.params.roomId!);
    const { location_id } = bodyOf(req);
    if (!location_id) throw validationFailed([{ field: "location_id", message: "Required: the location to move the room to." }]);
    room.location_id = checkLocation(ctx, location_id);
    return noContent();
  },
};

const locations: HandlerTable = {
  "GET /rooms/locations": (req, ctx) => {
    const q = req.query;
    const chosen = ctx.state.roomLocations.filter((l) => (q.parent_location_id === undefined || l.parent_location_id === q.parent_location_id) && (!q.type || l.type === q.type));
    return ok(page(chosen.map(locationListView), q, "locations"));
  },
  "POST /rooms/locations": (req, ctx) => {
    const body = bodyOf(req);
    if (typeof body.name !== "string" || !body.name.trim()) throw validationFailed([{ field: "name", message: "Invalid field: a location needs a name." }]);
    const parent = String(body.parent_location_id ?? "");
    const location = { id: ctx.rng.id(), name: body.name, type: levelBelow(ctx, parent), parent_location_id: parent, basic: { description: "", address: "", timezone: "" }, setup: {} };
    ctx.state.roomLocations.push(location);
    // Zoom answers this create with 200.
    return ok(locationListView(location));
  },
  "GET /rooms/locations/{locationId}": (req, ctx) => ok(locationView(findLocation(ctx, req.params.locationId!))),
  "PATCH /rooms/locations/{locationId}": (req, ctx) => {
    const location = findLocation(ctx, req.params.locationId!);
    const body = bodyOf(req);
    const basic = { ...((body.basic as Body | undefined) ?? {}) };
    if (basic.name !== undefined) location.name = basic.name;
    delete basic.name;
    merge(location.basic as Json, basic);
    if (body.setup) merge((location.setup ??= {}) as Json, body.setup);
    return noContent();
  },
  "GET /rooms/locations/{locationId}/settings": (req, ctx) => ok(readSettings(findLocation(ctx, req.params.locationId!), req.query.setting_type)),
  "PATCH /rooms/locations/{locationId}/settings": (req, ctx) => {
    writeSettings(findLocation(ctx, req.params.locationId!), req.query.setting_type, bodyOf(req));
    return noContent();
  },
  "PUT /rooms/locations/{locationId}/location": (req, ctx) => {
    const location = findLocation(ctx, req.params.locationId!);
    const parent = String(bodyOf(req).parent_location_id ?? "");
    if (!parent) throw validationFailed([{ field: "parent_location_id", message: "Required: the new parent location." }]);
    for (let at: Json | undefined = findLocation(ctx, parent); at; at = ctx.state.roomLocations.find((l) => l.id === at!.parent_location_id)) {
      if (at === location) throw new ZoomError(400, 300, "A location cannot move under itself or one of its own sub-locations.");
    }
    const level = (l: Json) => LEVELS.indexOf(l.type as (typeof LEVELS)[number]);
    const target = findLocation(ctx, parent);
    if (level(target) >= level(location)) throw new ZoomError(400, 300, `A ${String(location.type)} must sit under a higher level of the location structure; ${parent} is a ${String(target.type)}.`);
    location.parent_location_id = parent;
    return noContent();
  },
};

export { rooms as roomHandlers, locations as roomLocationHandlers };
