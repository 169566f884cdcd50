// Graph users (https://learn.microsoft.com/graph/api/user-list, user-get): GET /users pages with
// `$top` (default 100, max 999) and an absolute `@odata.nextLink` carrying `$skiptoken`; `$select`
// narrows properties (the default set otherwise); /users/{id | userPrincipalName}; /me for
// delegated tokens. Reading other users needs User.Read.All (or Directory.Read.All).
import type { FastifyInstance } from "fastify";
import type { SandboxContext } from "../context";
import { decodePageToken, encodePageToken } from "../data/encoding";
import { graphCaller, requirePermission } from "./auth";
import { badRequest, userNotFound } from "./errors";
import { graphBase, GRAPH_PATH, linkWith, one, select, top, type Query } from "./odata";
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

export function registerUsers(app: FastifyInstance, ctx: SandboxContext): void {
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
