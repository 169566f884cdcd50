// Graph users (https://learn.microsoft.com/graph/api/user-list, user-get): GET /users pages with
// `$top` (default 100, max 999) and an absolute `@odata.nextLink` carrying `$skiptoken`; `$select`
// narrows properties (the default set otherwise); /users/{id | userPrincipalName}; /me for
// delegated tokens. Reading other users needs User.Read.All (or Directory.Read.All).
//
// user: delta (https://learn.microsoft.com/graph/api/user-delta, delta-query-users): GET
// /users/delta — the first round returns every user, page by page (`@odata.nextLink` with
// `$skiptoken`), the last page an `@odata.deltaLink` (`$deltatoken`); a round from a deltaLink
// returns users added since and `{ id, "@removed": { reason } }` for users that left — "changed"
// for a (restorable) deletion, "deleted" for a permanent one. Page size: `Prefer:
// odata.maxpagesize=N` (default 100); `$select` is kept in the tokens. Users join and leave
// through the control API (POST/DELETE /_control/tenants/{id}/users); property edits of existing
// users are not emulated, so a change round reports additions and removals only.
import type { FastifyInstance } from "fastify";
import type { SandboxContext } from "../context";
import { decodePageToken, encodePageToken } from "../data/encoding";
import { graphCaller, requirePermission } from "./auth";
import { badRequest, userNotFound } from "./errors";
import { graphBase, GRAPH_PATH, linkWith, maxPageSize, one, select, top, type Query } from "./odata";
import { PERMISSIONS } from "./scopes";
import type { MicrosoftUser } from "./tenant";

export function userResource(u: MicrosoftUser, fields?: string[]): Record<string, unknown> {
  const full: Record<string, unknown> = {
    businessPhones: [],
    displayName: u.displayName,
    givenName: u.givenName,
    jobTitle: u.jobTitle,
    mail: u.userPrincipalName,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: "en-US",
    surname: u.surname,
    userPrincipalName: u.userPrincipalName,
    id: u.id,
  };
  if (!fields) return full;
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f] = f in full ? full[f] : f === "accountEnabled" ? true : f === "mailNickname" ? u.userPrincipalName.split("@")[0] : f === "otherMails" ? [] : null;
  return out;
}

/** Full round: `a` = index of the last user sent. Change round: `s` since, `c` = last sequence sent. */
interface UsersDeltaState {
  /** The directory the token belongs to: a token of another tenant is refused. */
  t: string;
  u: number;
  a?: number;
  s?: number;
  c?: number;
  sel?: string[];
}
const isUsersDeltaState = (v: unknown): v is UsersDeltaState => {
  const s = v as Partial<UsersDeltaState> | null;
  return typeof s?.t === "string" && typeof s.u === "number";
};

/** Delta always returns `id`, whatever `$select` names (delta-query-overview, "optional query parameters"). */
const deltaUser = (u: MicrosoftUser, fields?: string[]) => ({ ...userResource(u, fields), id: u.id });

export function registerUsers(app: FastifyInstance, ctx: SandboxContext): void {
  // Registered before /users/:uid; Fastify prefers the static segment anyway.
  app.get(`${GRAPH_PATH}/users/delta`, async (req, reply) => {
    const caller = graphCaller(ctx, req, reply);
    requirePermission(caller, PERMISSIONS.usersRead, true);
    const tenant = caller.tenant;
    const q = req.query as Query;
    const decode = (t: string) => {
      const s = decodePageToken(t, isUsersDeltaState);
      if (!s || s.t !== tenant.tenantId) throw badRequest("Invalid state token.");
      return s;
    };
    const skipToken = one(q, "$skiptoken");
    const deltaToken = one(q, "$deltatoken");
    let state: UsersDeltaState;
    if (skipToken) state = decode(skipToken);
    else if (deltaToken) {
      const d = decode(deltaToken);
      state = { t: tenant.tenantId, s: d.u, c: d.u, u: tenant.directorySeq, ...(d.sel ? { sel: d.sel } : {}) };
    } else {
      const sel = select(q);
      state = { t: tenant.tenantId, a: -1, u: tenant.directorySeq, ...(sel ? { sel } : {}) };
    }
    const preferred = maxPageSize(req);
    const size = Math.min(Math.max(preferred ?? 100, 1), 999);
    if (preferred) void reply.header("preference-applied", `odata.maxpagesize=${size}`);

    const value: Record<string, unknown>[] = [];
    let more = false;
    if (state.a !== undefined) {
      // Users added after the round started wait for the next round (their seq is above `u`).
      for (const user of tenant.users) {
        if (user.index <= state.a || user.seq > state.u) continue;
        if (value.length === size) {
          more = true;
          break;
        }
        value.push(deltaUser(user, state.sel));
        state.a = user.index;
      }
    } else {
      const from = Math.max(state.s ?? 0, state.c ?? 0);
      const entries = [
        ...tenant.users.filter((u) => u.seq > from && u.seq <= state.u).map((u) => ({ seq: u.seq, body: deltaUser(u, state.sel) })),
        ...tenant.removedUsers.filter((r) => r.seq > from && r.seq <= state.u).map((r) => ({ seq: r.seq, body: { id: r.id, "@removed": { reason: r.reason } } })),
      ].sort((x, y) => x.seq - y.seq);
      for (const e of entries) {
        if (value.length === size) {
          more = true;
          break;
        }
        value.push(e.body);
        state.c = e.seq;
      }
    }
    const link = (name: "$skiptoken" | "$deltatoken", st: UsersDeltaState) => `${graphBase(req)}/users/delta?${name}=${encodePageToken(st)}`;
    return {
      "@odata.context": `${graphBase(req)}/$metadata#users${state.sel ? `(${state.sel.join(",")})` : ""}`,
      ...(more ? { "@odata.nextLink": link("$skiptoken", state) } : { "@odata.deltaLink": link("$deltatoken", { t: state.t, u: state.u, ...(state.sel ? { sel: state.sel } : {}) }) }),
      value,
    };
  });

  app.get(`${GRAPH_PATH}/users`, async (req, reply) => {
    const caller = graphCaller(ctx, req, reply);
    requirePermission(caller, PERMISSIONS.usersRead, true);
    const q = req.query as Query;
    const size = top(q, 100, 999);
    const token = one(q, "$skiptoken");
    let offset = 0;
    if (token) {
      const t = decodePageToken(token, (v): v is { o: number } => typeof (v as { o?: unknown })?.o === "number");
      if (!t) throw badRequest("Invalid $skiptoken.");
      offset = t.o;
    }
    const fields = select(q);
    const users = caller.tenant.users.slice(offset, offset + size);
    const next = offset + size < caller.tenant.users.length ? linkWith(req, { $skiptoken: encodePageToken({ o: offset + size }) }) : undefined;
    return {
      "@odata.context": `${graphBase(req)}/$metadata#users${fields ? `(${fields.join(",")})` : ""}`,
      ...(next ? { "@odata.nextLink": next } : {}),
      value: users.map((u) => userResource(u, fields)),
    };
  });

  app.get(`${GRAPH_PATH}/users/:uid`, async (req, reply) => {
    const caller = graphCaller(ctx, req, reply);
    const { uid } = req.params as { uid: string };
    const user = caller.tenant.user(uid);
    // Anyone may read themselves with User.Read; others need User.Read.All.
    if (!(caller.user && user?.id === caller.user.id)) requirePermission(caller, PERMISSIONS.usersRead, true);
    if (!user) throw userNotFound(uid);
    return { "@odata.context": `${graphBase(req)}/$metadata#users/$entity`, ...userResource(user, select(req.query as Query)) };
  });

  app.get(`${GRAPH_PATH}/me`, async (req, reply) => {
    const caller = graphCaller(ctx, req, reply);
    if (!caller.user) throw badRequest("/me request is only valid with delegated authentication flow.");
    requirePermission(caller, PERMISSIONS.meRead, true);
    return { "@odata.context": `${graphBase(req)}/$metadata#users/$entity`, ...userResource(caller.user, select(req.query as Query)) };
  });
}
