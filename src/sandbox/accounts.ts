/**
 * Users (status, email, type, settings), groups and their members, roles and their members, and
 * tracking fields. One fact lives in one place: group membership in the group, a user's role in
 * the user; every read (list group members, get user, get group's total) is derived from it.
 */
import { bodyOf, findIn, findUser, lookupUser, remove, usersNamed, type Body } from "./find.js";
import { created, merge, noContent, ok, page, validationFailed, ZoomError, type HandlerContext, type HandlerTable } from "./http.js";
import { defaultUserSettings, newUser } from "./seed.js";
import type { Json } from "./state.js";
import { iso } from "./time.js";

const OWNER_ROLE = "0";
const MEMBER_ROLE = "2";
const BUILT_IN_ROLES = new Set(["0", "1", "2"]);

const groupsOf = (ctx: HandlerContext, user: Json) => ctx.state.groups.filter((g) => (g.members as string[]).includes(String(user.id)));
const membersOfRole = (ctx: HandlerContext, roleId: string) => ctx.state.users.filter((u) => String(u.role_id) === roleId);

/** A user as get_user shows them: with their groups and role name. */
function userView(ctx: HandlerContext, user: Json): Json {
  const role = ctx.state.roles.find((r) => r.id === user.role_id);
  return { ...user, group_ids: groupsOf(ctx, user).map((g) => g.id), role_name: role?.name ?? "", account_id: ctx.state.accountId };
}

function userListView(ctx: HandlerContext, user: Json): Json {
  const { last_login_time: _l, ...rest } = user;
  return { ...rest, group_ids: groupsOf(ctx, user).map((g) => g.id) };
}

export function settingsOf(ctx: HandlerContext, user: Json): Json {
  return (ctx.state.userSettings[String(user.id)] ??= defaultUserSettings());
}

function checkEmailFree(ctx: HandlerContext, email: string, except?: Json): void {
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw validationFailed([{ field: "email", message: "Invalid field: not an email address." }]);
  const taken = ctx.state.users.find((u) => u !== except && String(u.email).toLowerCase() === email.toLowerCase());
  if (taken) throw new ZoomError(409, 1005, `User already in the account: ${email}.`);
}

/** Removes every trace of a user: group and call-queue memberships, phone profile, settings. */
function forget(ctx: HandlerContext, user: Json): void {
  const id = String(user.id);
  for (const g of ctx.state.groups) g.members = (g.members as string[]).filter((m) => m !== id);
  for (const q of ctx.state.callQueues) {
    q.members = (q.members as string[]).filter((m) => m !== id);
    if (q.manager_id === id) delete q.manager_id;
  }
  delete ctx.state.phoneUsers[id];
  delete ctx.state.userSettings[id];
  remove(ctx.state.users, user);
}

const users: HandlerTable = {
  "GET /users": (req, ctx) => {
    const status = req.query.status ?? "active";
    const chosen = ctx.state.users.filter((u) => u.status === status && (req.query.role_id === undefined || String(u.role_id) === req.query.role_id));
    return ok(page(chosen.map((u) => userListView(ctx, u)), req.query, "users"));
  },
  "POST /users": (req, ctx) => {
    const body = bodyOf(req);
    const info = (body.user_info ?? {}) as Body;
    const email = String(info.email ?? "");
    checkEmailFree(ctx, email);
    // `create` mails an invitation: the user is pending until they accept it. The other actions
    // (autoCreate, custCreate, ssoCreate) make a working user at once.
    const status = (body.action ?? "create") === "create" ? "pending" : "active";
    const user = newUser(ctx.rng, { email, first_name: String(info.first_name ?? ""), last_name: String(info.last_name ?? ""), type: Number(info.type ?? 1), status }, ctx.now);
    ctx.state.users.push(user);
    return created({ id: user.id, first_name: user.first_name, last_name: user.last_name, email: user.email, type: user.type });
  },
  "GET /users/{userId}": (req, ctx) => ok(userView(ctx, findUser(ctx, req.params.userId!))),
  "PATCH /users/{userId}": (req, ctx) => {
    const user = findUser(ctx, req.params.userId!);
    const { group_id, ...body } = bodyOf(req);
    if (typeof group_id === "string" && group_id) {
      const group = findIn(ctx.state.groups, group_id, "Group", 4130);
      if (!(group.members as string[]).includes(String(user.id))) (group.members as string[]).push(String(user.id));
    }
    merge(user, body);
    if (body.first_name !== undefined || body.last_name !== undefined) user.display_name = body.display_name ?? `${String(user.first_name)} ${String(user.last_name)}`.trim();
    return noContent();
  },
  "DELETE /users/{userId}": (req, ctx) => {
    const user = findUser(ctx, req.params.userId!);
    if (user === ctx.state.users[0]) throw new ZoomError(400, 1102, "The account owner cannot be deleted.");
    forget(ctx, user);
    return noContent();
  },
  "PUT /users/{userId}/status": (req, ctx) => {
    const user = findUser(ctx, req.params.userId!);
    const action = String(bodyOf(req).action ?? "");
    if (action === "deactivate") {
      if (user === ctx.state.users[0]) throw new ZoomError(400, 1102, "The account owner cannot be deactivated.");
      user.status = "inactive";
    } else if (action === "activate") {
      user.status = "active";
    }
    return noContent();
  },
  "PUT /users/{userId}/email": (req, ctx) => {
    const user = findUser(ctx, req.params.userId!);
    const email = String(bodyOf(req).email ?? "");
    checkEmailFree(ctx, email, user);
    user.email = email;
    for (const m of [...ctx.state.meetings, ...ctx.state.webinars]) if (m.host_id === user.id) m.host_email = email;
    return noContent();
  },
  "GET /users/email": (req, ctx) => ok({ existed_email: ctx.state.users.some((u) => String(u.email).toLowerCase() === String(req.query.email ?? "").toLowerCase()) }),
  "GET /users/{userId}/settings": (req, ctx) => ok(settingsOf(ctx, findUser(ctx, req.params.userId!))),
  "PATCH /users/{userId}/settings": (req, ctx) => {
    merge(settingsOf(ctx, findUser(ctx, req.params.userId!)), bodyOf(req));
    return noContent();
  },
};

function groupView(g: Json): Json {
  return { id: g.id, name: g.name, total_members: (g.members as string[]).length };
}

function checkGroupName(ctx: HandlerContext, name: unknown, except?: Json): void {
  if (typeof name !== "string" || !name.trim()) throw validationFailed([{ field: "name", message: "Invalid field: a group needs a name." }]);
  if (ctx.state.groups.some((g) => g !== except && String(g.name).toLowerCase() === name.toLowerCase())) throw new ZoomError(409, 4132, `Group name already exists: ${name}.`);
}

const findGroup = (ctx: HandlerContext, id: string) => findIn(ctx.state.groups, id, "Group", 4130);

const groups: HandlerTable = {
  "GET /groups": (req, ctx) => ok(page(ctx.state.groups.map(groupView), req.query, "groups")),
  "POST /groups": (req, ctx) => {
    const { name } = bodyOf(req);
    checkGroupName(ctx, name);
    const group = { id: ctx.rng.id(), name: String(name), members: [] as string[] };
    ctx.state.groups.push(group);
    return created(groupView(group));
  },
  "GET /groups/{groupId}": (req, ctx) => ok(groupView(findGroup(ctx, req.params.groupId!))),
  "PATCH /groups/{groupId}": (req, ctx) => {
    const group = findGroup(ctx, req.params.groupId!);
    const { name } = bodyOf(req);
    if (name !== undefined) {
      checkGroupName(ctx, name, group);
      group.name = name;
    }
    return noContent();
  },
  "DELETE /groups/{groupId}": (req, ctx) => {
    const group = findGroup(ctx, req.params.groupId!);
    remove(ctx.state.groups, group);
    delete ctx.state.groupSettings?.[String(group.id)];
    return noContent();
  },
  "GET /groups/{groupId}/settings": (req, ctx) => ok(groupSettingsOf(ctx, findGroup(ctx, req.params.groupId!)).settings),
  "PATCH /groups/{groupId}/settings": (req, ctx) => {
    merge(groupSettingsOf(ctx, findGroup(ctx, req.params.groupId!)).settings, bodyOf(req));
    return noContent();
  },
  "GET /groups/{groupId}/lock_settings": (req, ctx) => ok(groupSettingsOf(ctx, findGroup(ctx, req.params.groupId!)).lock),
  "PATCH /groups/{groupId}/lock_settings": (req, ctx) => {
    merge(groupSettingsOf(ctx, findGroup(ctx, req.params.groupId!)).lock, bodyOf(req));
    return noContent();
  },
  "GET /groups/{groupId}/members": (req, ctx) => {
    const group = findGroup(ctx, req.params.groupId!);
    const members = (group.members as string[]).flatMap((id) => ctx.state.users.filter((u) => u.id === id));
    const view = members.map((u) => ({ id: u.id, email: u.email, first_name: u.first_name, last_name: u.last_name, type: u.type, primary_group: (u.primary_group_id ?? groupsOf(ctx, u)[0]?.id) === group.id }));
    return ok(page(view, req.query, "members"));
  },
  "POST /groups/{groupId}/members": (req, ctx) => {
    const group = findGroup(ctx, req.params.groupId!);
    const named = usersNamed(ctx, bodyOf(req).members);
    if (named.length === 0) throw validationFailed([{ field: "members", message: "Invalid field: name at least one user by id or email." }]);
    if (named.length > 30) throw validationFailed([{ field: "members", message: "Invalid field: at most 30 members per call." }]);
    const ids = group.members as string[];
    for (const u of named) if (!ids.includes(String(u.id))) ids.push(String(u.id));
    return created({ ids: named.map((u) => u.id).join(","), added_at: iso(ctx.now) });
  },
  "DELETE /groups/{groupId}/members/{memberId}": (req, ctx) => {
    const group = findGroup(ctx, req.params.groupId!);
    const user = memberOf(ctx, group, req.params.memberId!);
    group.members = (group.members as string[]).filter((id) => id !== user.id);
    if (user.primary_group_id === group.id) delete user.primary_group_id;
    return noContent();
  },
  "PATCH /groups/{groupId}/members/{memberId}": (req, ctx) => {
    const group = findGroup(ctx, req.params.groupId!);
    const user = memberOf(ctx, group, req.params.memberId!);
    const body = bodyOf(req);
    if (body.action === "move") {
      if (typeof body.target_group_id !== "string") throw validationFailed([{ field: "target_group_id", message: "Required to move a member." }]);
      const target = findGroup(ctx, body.target_group_id);
      group.members = (group.members as string[]).filter((id) => id !== user.id);
      if (!(target.members as string[]).includes(String(user.id))) (target.members as string[]).push(String(user.id));
      if (user.primary_group_id === group.id) user.primary_group_id = target.id;
    } else if (body.action === "set_primary") {
      user.primary_group_id = group.id;
    }
    return noContent();
  },
};

/** A group's settings start as a user's defaults; its lock settings lock nothing. */
function groupSettingsOf(ctx: HandlerContext, group: Json): { settings: Json; lock: Json } {
  const all = (ctx.state.groupSettings ??= {});
  return (all[String(group.id)] ??= { settings: defaultUserSettings(), lock: unlocked(defaultUserSettings()) });
}

function unlocked(settings: Json): Json {
  return Object.fromEntries(Object.entries(settings).map(([section, values]) => [section, Object.fromEntries(Object.keys(values as Json).map((k) => [k, false]))]));
}


function memberOf(ctx: HandlerContext, group: Json, memberId: string): Json {
  const user = lookupUser(ctx, memberId);
  if (!user || !(group.members as string[]).includes(String(user.id))) throw new ZoomError(404, 4130, `Group member does not exist: ${memberId}.`);
  return user;
}

function roleView(ctx: HandlerContext, r: Json): Json {
  return { ...r, total_members: membersOfRole(ctx, String(r.id)).length };
}

const findRole = (ctx: HandlerContext, id: string) => findIn(ctx.state.roles, id, "Role", 300);

const roles: HandlerTable = {
  "GET /roles": (req, ctx) => {
    const type = req.query.type ?? "common";
    const chosen = ctx.state.roles.filter((r) => (r.type ?? "common") === type).map((r) => roleView(ctx, r));
    return ok({ total_records: chosen.length, roles: chosen });
  },
  "POST /roles": (req, ctx) => {
    const body = bodyOf(req);
    if (typeof body.name !== "string" || !body.name.trim()) throw validationFailed([{ field: "name", message: "Invalid field: a role needs a name." }]);
    const role = { id: ctx.rng.id(), type: "common", description: "", privileges: [], ...body };
    ctx.state.roles.push(role);
    // Zoom answers this create with 200, not 201.
    return ok(roleView(ctx, role));
  },
  "GET /roles/{roleId}": (req, ctx) => ok(roleView(ctx, findRole(ctx, req.params.roleId!))),
  "PATCH /roles/{roleId}": (req, ctx) => {
    merge(findRole(ctx, req.params.roleId!), bodyOf(req));
    return noContent();
  },
  "DELETE /roles/{roleId}": (req, ctx) => {
    const role = findRole(ctx, req.params.roleId!);
    if (BUILT_IN_ROLES.has(String(role.id))) throw new ZoomError(400, 300, `The built-in role ${String(role.name)} cannot be deleted.`);
    if (membersOfRole(ctx, String(role.id)).length) throw new ZoomError(400, 300, `The role ${String(role.name)} still has members; move them to another role first.`);
    remove(ctx.state.roles, role);
    return noContent();
  },
  "GET /roles/{roleId}/members": (req, ctx) => {
    const role = findRole(ctx, req.params.roleId!);
    const view = membersOfRole(ctx, String(role.id)).map((u) => ({ id: u.id, email: u.email, first_name: u.first_name, last_name: u.last_name, type: u.type, department: u.dept ?? "" }));
    return ok(page(view, req.query, "members"));
  },
  "POST /roles/{roleId}/members": (req, ctx) => {
    const role = findRole(ctx, req.params.roleId!);
    if (role.id === OWNER_ROLE) throw new ZoomError(400, 300, "The Owner role cannot be assigned; change the account owner instead.");
    const named = usersNamed(ctx, bodyOf(req).members);
    if (named.length === 0) throw validationFailed([{ field: "members", message: "Invalid field: name at least one user by id or email." }]);
    if (named.some((u) => u.role_id === OWNER_ROLE)) throw new ZoomError(400, 300, "The account owner's role cannot be changed.");
    // A user has one role: joining this one leaves the previous one.
    for (const u of named) u.role_id = role.id;
    return created({ ids: named.map((u) => u.id).join(","), add_at: iso(ctx.now) });
  },
  "DELETE /roles/{roleId}/members/{memberId}": (req, ctx) => {
    const role = findRole(ctx, req.params.roleId!);
    const user = lookupUser(ctx, req.params.memberId!);
    if (!user || user.role_id !== role.id) throw new ZoomError(404, 1001, `The user ${req.params.memberId!} does not have the role ${String(role.name)}.`);
    if (role.id === OWNER_ROLE || role.id === MEMBER_ROLE) throw new ZoomError(400, 300, `A user cannot be removed from the ${String(role.name)} role; assign another role instead.`);
    // Without a role of their own, a user falls back to Member.
    user.role_id = MEMBER_ROLE;
    return noContent();
  },
};

const findField = (ctx: HandlerContext, id: string) => findIn(ctx.state.trackingFields, id, "Tracking field", 300);

const trackingFields: HandlerTable = {
  "GET /tracking_fields": (_req, ctx) => ok({ total_records: ctx.state.trackingFields.length, tracking_fields: ctx.state.trackingFields }),
  "POST /tracking_fields": (req, ctx) => {
    const field = { id: ctx.rng.id(), ...bodyOf(req) };
    ctx.state.trackingFields.push(field);
    return created(field);
  },
  "GET /tracking_fields/{fieldId}": (req, ctx) => ok(findField(ctx, req.params.fieldId!)),
  "PATCH /tracking_fields/{fieldId}": (req, ctx) => {
    merge(findField(ctx, req.params.fieldId!), bodyOf(req));
    return noContent();
  },
  "DELETE /tracking_fields/{fieldId}": (req, ctx) => {
    remove(ctx.state.trackingFields, findField(ctx, req.params.fieldId!));
    return noContent();
  },
};

export { users as userHandlers, groups as groupHandlers, roles as roleHandlers, trackingFields as trackingFieldHandlers };
