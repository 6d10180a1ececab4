/**
 * Zoom Phone: sites, phone users (account users with a phone profile) and call queues with their
 * members and manager. Extension numbers are unique across the account, as in Zoom.
 */
import { bodyOf, findIn, findUser, lookupUser, remove, usersNamed, type Body } from "./find.js";
import { created, merge, noContent, ok, page, validationFailed, ZoomError, type HandlerContext, type HandlerTable } from "./http.js";
import type { Json, PhoneUserRecord } from "./state.js";

const findSite = (ctx: HandlerContext, id: string) => findIn(ctx.state.phoneSites, id, "Site", 300);
const findQueue = (ctx: HandlerContext, id: string) => findIn(ctx.state.callQueues, id, "Call queue", 300);
const siteRef = (ctx: HandlerContext, siteId: string) => {
  const site = ctx.state.phoneSites.find((s) => s.id === siteId);
  return site ? { id: site.id, name: site.name } : { id: siteId, name: "" };
};

function phoneProfile(ctx: HandlerContext, userId: string): { user: Json; phone: PhoneUserRecord } {
  const user = findUser(ctx, userId);
  const phone = ctx.state.phoneUsers[String(user.id)];
  if (!phone) throw new ZoomError(404, 1001, `User is not a Zoom Phone user (no phone license): ${userId}.`);
  return { user, phone };
}

function phoneUserView(ctx: HandlerContext, user: Json, phone: PhoneUserRecord): Json {
  const { site_id, ...rest } = phone;
  return { ...rest, name: `${String(user.first_name)} ${String(user.last_name)}`.trim(), email: user.email, site: siteRef(ctx, site_id) };
}

/** Extensions in use: phone users, call queues and sites' auto receptionists. */
function extensionsInUse(ctx: HandlerContext, except?: Json): Set<number> {
  const used = new Set<number>();
  for (const p of Object.values(ctx.state.phoneUsers)) if (p !== except) used.add(Number(p.extension_number));
  for (const q of ctx.state.callQueues) if (q !== except) used.add(Number(q.extension_number));
  for (const s of ctx.state.phoneSites) used.add(Number((s.main_auto_receptionist as Json | undefined)?.extension_number));
  return used;
}

function checkExtension(ctx: HandlerContext, value: unknown, owner?: Json): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw validationFailed([{ field: "extension_number", message: "Invalid field: a positive whole number." }]);
  if (extensionsInUse(ctx, owner).has(n)) throw new ZoomError(409, 300, `Extension number ${n} is already in use.`);
  return n;
}

function nextExtension(ctx: HandlerContext, from: number): number {
  const used = extensionsInUse(ctx);
  let n = from;
  while (used.has(n)) n++;
  return n;
}

const phoneUsers: HandlerTable = {
  "GET /phone/users": (req, ctx) => {
    const q = req.query;
    const keyword = q.keyword?.toLowerCase();
    const chosen = ctx.state.users
      .filter((u) => ctx.state.phoneUsers[String(u.id)])
      .map((u) => phoneUserView(ctx, u, ctx.state.phoneUsers[String(u.id)]!))
      .filter((v) => (!q.site_id || (v.site as Json).id === q.site_id) && (!q.department || v.department === q.department) && (!q.cost_center || v.cost_center === q.cost_center))
      .filter((v) => !keyword || [v.name, v.email, String(v.extension_number)].some((s) => String(s).toLowerCase().includes(keyword)));
    return ok(page(chosen, q, "users", 100));
  },
  "GET /phone/users/{userId}": (req, ctx) => {
    const { user, phone } = phoneProfile(ctx, req.params.userId!);
    return ok(phoneUserView(ctx, user, phone));
  },
  "PATCH /phone/users/{userId}": (req, ctx) => {
    const { phone } = phoneProfile(ctx, req.params.userId!);
    const { extension_number, site_id, ...rest } = bodyOf(req);
    if (site_id !== undefined) phone.site_id = String(findSite(ctx, String(site_id)).id);
    if (extension_number !== undefined) phone.extension_number = checkExtension(ctx, extension_number, phone);
    merge(phone, rest);
    return noContent();
  },
};

const sites: HandlerTable = {
  "GET /phone/sites": (req, ctx) => {
    const name = req.query.site_name?.toLowerCase();
    return ok(page(ctx.state.phoneSites.filter((s) => !name || String(s.name).toLowerCase().includes(name)), req.query, "sites", 300));
  },
  "POST /phone/sites": (req, ctx) => {
    const body = bodyOf(req);
    if (ctx.state.phoneSites.some((s) => String(s.name).toLowerCase() === String(body.name).toLowerCase())) throw new ZoomError(409, 300, `A site named ${String(body.name)} already exists.`);
    const site: Json = {
      id: ctx.rng.id(),
      name: String(body.name),
      site_code: Number(body.site_code ?? ctx.state.phoneSites.length + 1),
      short_extension: { length: 3, ...((body.short_extension as Json | undefined) ?? {}) },
      country: { code: String((body.default_emergency_address as Body | undefined)?.country ?? "US"), name: "" },
      main_auto_receptionist: { id: ctx.rng.id(), name: String(body.auto_receptionist_name ?? `${String(body.name)} Auto Receptionist`), extension_number: nextExtension(ctx, 100) },
      ...(body.default_emergency_address ? { default_emergency_address: body.default_emergency_address } : {}),
    };
    ctx.state.phoneSites.push(site);
    return created({ id: site.id, name: site.name });
  },
  "GET /phone/sites/{siteId}": (req, ctx) => ok(findSite(ctx, req.params.siteId!)),
  "PATCH /phone/sites/{siteId}": (req, ctx) => {
    merge(findSite(ctx, req.params.siteId!), bodyOf(req));
    return noContent();
  },
  "DELETE /phone/sites/{siteId}": (req, ctx) => {
    const site = findSite(ctx, req.params.siteId!);
    const target = req.query.transfer_site_id;
    if (!target) throw validationFailed([{ field: "transfer_site_id", message: "Required: the site that takes over this site's users and call queues." }]);
    if (target === site.id) throw validationFailed([{ field: "transfer_site_id", message: "Invalid field: must be another site." }]);
    const into = findSite(ctx, target);
    for (const p of Object.values(ctx.state.phoneUsers)) if (p.site_id === site.id) p.site_id = String(into.id);
    for (const q of ctx.state.callQueues) if (q.site_id === site.id) q.site_id = into.id;
    remove(ctx.state.phoneSites, site);
    return noContent();
  },
};

function queueListView(ctx: HandlerContext, q: Json): Json {
  return { id: q.id, name: q.name, extension_id: q.extension_id, extension_number: q.extension_number, status: q.status, site: siteRef(ctx, String(q.site_id)), phone_numbers: [] };
}

function queueView(ctx: HandlerContext, q: Json): Json {
  const users = (q.members as string[]).flatMap((id) => {
    const u = ctx.state.users.find((x) => x.id === id);
    const phone = ctx.state.phoneUsers[id];
    return u ? [{ id, name: `${String(u.first_name)} ${String(u.last_name)}`.trim(), level: q.manager_id === id ? "manager" : "user", receive_call: true, extension_id: phone?.extension_id ?? "" }] : [];
  });
  const { members: _m, manager_id: _g, site_id, ...rest } = q;
  return { ...rest, site: siteRef(ctx, String(site_id)), members: { users, common_areas: [] }, phone_numbers: [] };
}

/** Queue members must be phone users; at most 10 per call, as Zoom allows. */
function addMembers(ctx: HandlerContext, q: Json, members: unknown): void {
  const named = usersNamed(ctx, (members as Body | undefined)?.users, "members.users");
  if (named.length > 10) throw validationFailed([{ field: "members.users", message: "Invalid field: at most 10 users per call." }]);
  for (const u of named) {
    if (!ctx.state.phoneUsers[String(u.id)]) throw new ZoomError(400, 300, `User is not a Zoom Phone user (no phone license): ${String(u.email)}.`);
    if (!(q.members as string[]).includes(String(u.id))) (q.members as string[]).push(String(u.id));
  }
}

const callQueues: HandlerTable = {
  "GET /phone/call_queues": (req, ctx) => {
    const q = req.query;
    const chosen = ctx.state.callQueues.filter((x) => (!q.site_id || x.site_id === q.site_id) && (!q.department || x.department === q.department) && (!q.cost_center || x.cost_center === q.cost_center));
    return ok(page(chosen.map((x) => queueListView(ctx, x)), q, "call_queues", 100));
  },
  "POST /phone/call_queues": (req, ctx) => {
    const body = bodyOf(req);
    const site = findSite(ctx, String(body.site_id));
    const queue: Json = {
      id: ctx.rng.id(),
      extension_id: ctx.rng.id(),
      name: String(body.name),
      extension_number: body.extension_number !== undefined ? checkExtension(ctx, body.extension_number) : nextExtension(ctx, 200),
      site_id: site.id,
      status: "active",
      description: String(body.description ?? ""),
      cost_center: String(body.cost_center ?? ""),
      department: String(body.department ?? ""),
      members: [] as string[],
    };
    addMembers(ctx, queue, body.members);
    ctx.state.callQueues.push(queue);
    return created({ id: queue.id, name: queue.name, extension_number: queue.extension_number, status: queue.status });
  },
  "GET /phone/call_queues/{callQueueId}": (req, ctx) => ok(queueView(ctx, findQueue(ctx, req.params.callQueueId!))),
  "PATCH /phone/call_queues/{callQueueId}": (req, ctx) => {
    const queue = findQueue(ctx, req.params.callQueueId!);
    const { extension_number, site_id, ...rest } = bodyOf(req);
    if (site_id !== undefined) queue.site_id = findSite(ctx, String(site_id)).id;
    if (extension_number !== undefined) queue.extension_number = checkExtension(ctx, extension_number, queue);
    merge(queue, rest);
    return noContent();
  },
  "DELETE /phone/call_queues/{callQueueId}": (req, ctx) => {
    remove(ctx.state.callQueues, findQueue(ctx, req.params.callQueueId!));
    return noContent();
  },
  "POST /phone/call_queues/{callQueueId}/members": (req, ctx) => {
    addMembers(ctx, findQueue(ctx, req.params.callQueueId!), bodyOf(req).members);
    return created(undefined);
  },
  "DELETE /phone/call_queues/{callQueueId}/members": (req, ctx) => {
    const queue = findQueue(ctx, req.params.callQueueId!);
    queue.members = [];
    delete queue.manager_id;
    return noContent();
  },
  "DELETE /phone/call_queues/{callQueueId}/members/{memberId}": (req, ctx) => {
    const queue = findQueue(ctx, req.params.callQueueId!);
    const user = lookupUser(ctx, req.params.memberId!);
    if (!user || !(queue.members as string[]).includes(String(user.id))) throw new ZoomError(404, 300, `Call queue member does not exist: ${req.params.memberId!}.`);
    queue.members = (queue.members as string[]).filter((id) => id !== user.id);
    if (queue.manager_id === user.id) delete queue.manager_id;
    return noContent();
  },
  "PUT /phone/call_queues/{callQueueId}/manager": (req, ctx) => {
    const queue = findQueue(ctx, req.params.callQueueId!);
    const ref = String(bodyOf(req).member_id ?? "");
    if (!ref) throw validationFailed([{ field: "member_id", message: "Required: the user (ID or email) who manages the queue." }]);
    addMembers(ctx, queue, { users: [{ id: ref }] });
    queue.manager_id = lookupUser(ctx, ref)!.id;
    return noContent();
  },
};

export { phoneUsers as phoneUserHandlers, sites as phoneSiteHandlers, callQueues as callQueueHandlers };
