// Admin SDK Directory API, users.list and users.get
// (https://developers.google.com/admin-sdk/directory/reference/rest/v1/users/list):
// GET /admin/directory/v1/users?customer=my_customer|<id> or ?domain=<domain>, maxResults 1-500
// (default 100), pageToken, orderBy email|givenName|familyName, sortOrder. Only an admin of the
// customer may call it; anyone else gets 403 "Not Authorized to access this resource/api".
import type { FastifyInstance } from "fastify";
import type { SandboxContext } from "../../context";
import { decodePageToken, encodePageToken, sha256Hex } from "../../data/encoding";
import { authenticate } from "../auth";
import { forbidden, GoogleApiError, invalidArgument } from "../errors";
import { METHOD_SCOPES } from "../scopes";
import type { GoogleTenant, GoogleUser } from "../tenant";

const BASE = "/admin/directory/v1/users";
type Query = Record<string, string | undefined>;

function userJson(t: GoogleTenant, u: GoogleUser) {
  const body = {
    kind: "admin#directory#user",
    id: u.id,
    primaryEmail: u.email,
    name: { givenName: u.givenName, familyName: u.familyName, fullName: `${u.givenName} ${u.familyName}` },
    isAdmin: u.isAdmin,
    isDelegatedAdmin: false,
    lastLoginTime: "2024-12-30T09:00:00.000Z",
    creationTime: u.creationTime,
    agreedToTerms: true,
    suspended: false,
    archived: false,
    changePasswordAtNextLogin: false,
    ipWhitelisted: false,
    emails: [{ address: u.email, primary: true }],
    languages: [{ languageCode: "en", preference: "preferred" }],
    nonEditableAliases: [u.email.replace(`@${t.domain}`, `@${t.domain.replace(/\./g, "-")}.test-google-a.com`)],
    customerId: t.customerId,
    orgUnitPath: "/",
    isMailboxSetup: true,
    isEnrolledIn2Sv: false,
    isEnforcedIn2Sv: false,
    includeInGlobalAddressList: true,
  };
  return { ...body, etag: `"${sha256Hex(JSON.stringify(body)).slice(0, 27)}"` };
}

export function registerDirectory(app: FastifyInstance, ctx: SandboxContext): void {
  const admin = (req: Parameters<typeof authenticate>[1], reply: Parameters<typeof authenticate>[2]) => {
    const caller = authenticate(ctx, req, reply, METHOD_SCOPES.directoryUsersList);
    if (!caller.user?.isAdmin) throw forbidden("Not Authorized to access this resource/api");
    return caller.tenant;
  };

  app.get(BASE, async (req, reply) => {
    const tenant = admin(req, reply);
    const q = req.query as Query;
    if (!q.customer && !q.domain) throw new GoogleApiError(400, "Bad Request", "badRequest");
    if (q.customer && q.customer !== "my_customer" && q.customer !== tenant.customerId) throw forbidden("Not Authorized to access this resource/api");
    if (q.domain && q.domain.toLowerCase() !== tenant.domain) throw forbidden("Not Authorized to access this resource/api");
    if (q.query) throw invalidArgument("The sandbox does not emulate the users.list `query` parameter yet");
    const max = q.maxResults === undefined ? 100 : Number(q.maxResults);
    if (!Number.isInteger(max) || max < 1 || max > 500) throw invalidArgument(`Invalid value '${q.maxResults}'. Values must be within the range: [1, 500]`);
    const orderBy = q.orderBy ?? "email";
    if (!["email", "givenName", "familyName"].includes(orderBy)) throw invalidArgument(`Invalid value for orderBy: ${orderBy}`);
    const key = (u: GoogleUser) => (orderBy === "givenName" ? u.givenName : orderBy === "familyName" ? u.familyName : u.email).toLowerCase();
    const sorted = [...tenant.users].sort((a, b) => key(a).localeCompare(key(b)) || a.email.localeCompare(b.email));
    if (q.sortOrder === "DESCENDING") sorted.reverse();
    let offset = 0;
    if (q.pageToken) {
      const tok = decodePageToken(q.pageToken, (v): v is { offset: number } => typeof (v as { offset?: unknown })?.offset === "number");
      if (!tok) throw invalidArgument("Invalid pageToken");
      offset = tok.offset;
    }
    const page = sorted.slice(offset, offset + max);
    const users = page.map((u) => userJson(tenant, u));
    const next = offset + max < sorted.length ? encodePageToken({ offset: offset + max }) : undefined;
    return {
      kind: "admin#directory#users",
      etag: `"${sha256Hex(users.map((u) => u.etag).join()).slice(0, 27)}"`,
      users,
      ...(next ? { nextPageToken: next } : {}),
    };
  });

  app.get(`${BASE}/:userKey`, async (req, reply) => {
    const tenant = admin(req, reply);
    const { userKey } = req.params as { userKey: string };
    const user = tenant.user(userKey);
    if (!user) throw new GoogleApiError(404, "Resource Not Found: userKey", "notFound");
    return userJson(tenant, user);
  });
}
