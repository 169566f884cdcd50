// OneDrive for Business through Graph v1.0 (https://learn.microsoft.com/graph/api/resources/onedrive):
//   GET /users/{id}/drive, /me/drive, /drives/{drive-id}, /sites/{id}/drive   the drive (a
//       user's OneDrive or a SharePoint site's document library, served alike)
//   GET /drives/{d}/root, /drives/{d}/items/{id}, …/children, root/children   driveItems
//   GET /drives/{d}/root/delta (and /users/{id}/drive/root/delta, /me/drive/root/delta)
//       first round: every item (folders before their children), pages linked by
//       @odata.nextLink, the last with @odata.deltaLink (state in `token`, as OneDrive's links
//       carry it); later rounds: items created/changed since (current state) and deleted ones
//       as `{ id, deleted: { state: "deleted" } }`; page size `Prefer: odata.maxpagesize` or
//       `$top` (default 200); an expired token → 410 Gone, code resyncRequired.
//   GET /drives/{d}/items/{id}/content → 302 to a pre-authenticated download URL (also on each
//       file as @microsoft.graph.downloadUrl); the URL needs no Authorization.
// Reading needs Files.Read.All (app) or Files.Read / Files.Read.All (delegated, own drive only).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { SandboxContext } from "../../context";
import { decodePageToken, encodePageToken, sha256Hex } from "../../data/encoding";
import { baseUrl } from "../../http/base-url";
import { graphCaller, requirePermission } from "../auth";
import { accessDenied, badRequest, GraphError, itemNotFound } from "../errors";
import { graphBase, GRAPH_PATH, maxPageSize, one, type Query } from "../odata";
import { PERMISSIONS } from "../scopes";
import type { MicrosoftTenant, MicrosoftUser } from "../tenant";
import { siteByKey } from "../sites/routes";
import type { SiteInfo } from "../sites/sites";
import type { DriveItemState, MsDrive } from "./drive";

const DOWNLOAD_PATH = "/microsoft/download";
const DOWNLOAD_TTL_MS = 60 * 60_000;
/** Signs download URLs; per process, like every other credential of the sandbox. */
const downloadKey = randomBytes(32);

interface DeltaState {
  u: number;
  a?: number;
  s?: number;
  c?: number;
  n: number;
}
const isState = (v: unknown): v is DeltaState => typeof (v as DeltaState | null)?.u === "number" && typeof (v as DeltaState).n === "number";

export const resyncRequired = () => new GraphError(410, "resyncRequired", "Resync required. The delta token is no longer valid; enumerate the drive again.");

export function registerDrives(app: FastifyInstance, ctx: SandboxContext): void {
  const driveOf = (req: FastifyRequest, reply: FastifyReply): { tenant: MicrosoftTenant; user: DriveOwner; drive: MsDrive } => {
    const caller = graphCaller(ctx, req, reply);
    requirePermission(caller, PERMISSIONS.filesRead);
    const { uid, did, sid } = req.params as { uid?: string; did?: string; sid?: string };
    // A SharePoint document library: every member of the tenant may read it.
    const site = sid ? siteByKey(caller.tenant, sid) : did?.startsWith("b!") ? caller.tenant.sites.find((s) => caller.tenant.siteDrive(s).id === did) : undefined;
    if (sid && !site) throw new GraphError(404, "itemNotFound", "The resource could not be found.");
    if (site) return { tenant: caller.tenant, user: siteOwner(site), drive: caller.tenant.siteDrive(site) };
    let user: MicrosoftUser | undefined;
    if (did) user = caller.tenant.users.find((u) => caller.tenant.driveId(u) === did);
    else if (uid) user = caller.tenant.user(uid);
    else user = caller.user ?? (() => {
      throw badRequest("/me request is only valid with delegated authentication flow.");
    })();
    if (!user) throw new GraphError(404, "itemNotFound", "The resource could not be found.");
    if (caller.user && caller.user.id !== user.id) throw accessDenied();
    return { tenant: caller.tenant, user: userOwner(caller.tenant, user), drive: caller.tenant.drive(user) };
  };

  const downloadUrl = (req: FastifyRequest, tenant: MicrosoftTenant, user: DriveOwner, item: DriveItemState) => {
    const payload = Buffer.from(JSON.stringify({ t: tenant.id, u: user.key, i: item.index, v: item.version, e: Date.now() + DOWNLOAD_TTL_MS })).toString("base64url");
    const sig = createHmac("sha256", downloadKey).update(payload).digest("base64url");
    return `${baseUrl(req)}${DOWNLOAD_PATH}/${payload}.${sig}`;
  };

  const itemResource = async (req: FastifyRequest, tenant: MicrosoftTenant, user: DriveOwner, drive: MsDrive, item: DriveItemState) => {
    const parent = item.index === 0 ? undefined : drive.get(item.parentIndex);
    const base = {
      id: item.id,
      name: item.name,
      createdDateTime: iso(item.createdAt),
      lastModifiedDateTime: iso(item.modifiedAt),
      eTag: `"{${item.id}},${item.version}"`,
      cTag: `"c:{${item.id}},${item.version}"`,
      webUrl: `${user.webRoot}${item.index === 0 ? "" : drive.path(item.index)}`,
      parentReference: parent ? { driveType: user.driveType, driveId: drive.id, id: parent.id, path: `/drives/${drive.id}/root:${parent.index === 0 ? "" : drive.path(parent.index)}` } : { driveType: user.driveType, driveId: drive.id },
    };
    if (item.folder) {
      let childCount = 0;
      for (const c of drive.items()) if (c.parentIndex === item.index && c.index !== item.index) childCount++;
      return { ...base, size: 0, folder: { childCount }, ...(item.index === 0 ? { root: {} } : {}) };
    }
    const content = (await drive.content(item.index)) ?? Buffer.alloc(0);
    return { ...base, "@microsoft.graph.downloadUrl": downloadUrl(req, tenant, user, item), size: content.length, file: { mimeType: item.mimeType, hashes: { sha256Hash: sha256Hex(content).toUpperCase() } } };
  };

  const prefixes = [`${GRAPH_PATH}/users/:uid/drive`, `${GRAPH_PATH}/me/drive`, `${GRAPH_PATH}/drives/:did`, `${GRAPH_PATH}/sites/:sid/drive`];
  const route = (suffix: string, handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) => {
    for (const p of prefixes) app.get(`${p}${suffix}`, handler);
  };

  route("", async (req, reply) => {
    const { user, drive } = driveOf(req, reply);
    return {
      "@odata.context": `${graphBase(req)}/$metadata#drives/$entity`,
      id: drive.id,
      driveType: user.driveType,
      name: user.driveName,
      webUrl: user.webRoot,
      owner: user.owner,
      quota: { total: 1_099_511_627_776, state: "normal" },
    };
  });

  const itemOr404 = (drive: MsDrive, id: string) => {
    const item = drive.get(id);
    if (!item) throw new GraphError(404, "itemNotFound", "The resource could not be found.");
    return item;
  };
  route("/root", async (req, reply) => {
    const { tenant, user, drive } = driveOf(req, reply);
    return itemResource(req, tenant, user, drive, itemOr404(drive, "root"));
  });
  route("/items/:iid", async (req, reply) => {
    const { tenant, user, drive } = driveOf(req, reply);
    return itemResource(req, tenant, user, drive, itemOr404(drive, (req.params as { iid: string }).iid));
  });
  const children = async (req: FastifyRequest, reply: FastifyReply) => {
    const { tenant, user, drive } = driveOf(req, reply);
    const parent = itemOr404(drive, (req.params as { iid?: string }).iid ?? "root");
    const value = [];
    for (const c of drive.items()) if (c.parentIndex === parent.index && c.index !== parent.index) value.push(await itemResource(req, tenant, user, drive, c));
    return { "@odata.context": `${graphBase(req)}/$metadata#Collection(driveItem)`, value };
  };
  route("/items/:iid/children", children);
  route("/root/children", children);
  route("/items/:iid/content", async (req, reply) => {
    const { tenant, user, drive } = driveOf(req, reply);
    const item = itemOr404(drive, (req.params as { iid: string }).iid);
    if (item.folder) throw badRequest("Content is only available for files.");
    return reply.redirect(downloadUrl(req, tenant, user, item), 302);
  });

  route("/root/delta", async (req, reply) => {
    const { tenant, user, drive } = driveOf(req, reply);
    const q = req.query as Query;
    const token = one(q, "token");
    let state: DeltaState;
    if (token) {
      const t = decodePageToken(token, isState);
      if (!t) throw badRequest("Invalid token.");
      // A deltaLink (no cursor) starts a change round from its sequence.
      state = t.a === undefined && t.c === undefined ? { s: t.u, c: t.u, u: drive.seq, n: t.n } : t;
    } else state = { a: -1, u: drive.seq, n: Math.min(Math.max(Number(one(q, "$top") ?? 200) || 200, 1), 1000) };
    const preferred = maxPageSize(req);
    const size = preferred ? Math.min(Math.max(preferred, 1), 1000) : state.n;
    if (!drive.answerable(state.s ?? state.u)) throw resyncRequired();
    const value: Record<string, unknown>[] = [];
    let more = false;
    if (state.a !== undefined) {
      for (const item of drive.items(state.a)) {
        if (value.length === size) {
          more = true;
          break;
        }
        value.push(await itemResource(req, tenant, user, drive, item));
        state.a = item.index;
      }
    } else {
      for (const e of drive.changes(state.s ?? 0, state.u, state.c ?? 0)) {
        if (value.length === size) {
          more = true;
          break;
        }
        const parent = drive.get(e.item.parentIndex);
        value.push(e.deleted ? { id: e.item.id, name: e.item.name, deleted: { state: "deleted" }, file: {}, parentReference: { driveType: user.driveType, driveId: drive.id, ...(parent ? { id: parent.id } : {}) } } : await itemResource(req, tenant, user, drive, e.item));
        state.c = e.seq;
      }
    }
    const link = `${graphBase(req)}/drives/${drive.id}/root/delta?token=`;
    return {
      "@odata.context": `${graphBase(req)}/$metadata#Collection(driveItem)`,
      ...(more ? { "@odata.nextLink": `${link}${encodePageToken(state)}` } : { "@odata.deltaLink": `${link}${encodePageToken({ u: state.u, n: state.n })}` }),
      value,
    };
  });

  // The pre-authenticated download host: no bearer, the signed URL is the credential.
  app.get(`${DOWNLOAD_PATH}/:token`, async (req, reply) => {
    const [payload = "", sig = ""] = (req.params as { token: string }).token.split(".");
    const expected = createHmac("sha256", downloadKey).update(payload).digest();
    const given = Buffer.from(sig, "base64url");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new GraphError(401, "unauthenticated", "The download URL is invalid.");
    const d = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { t: string; u: number; i: number; v: number; e: number };
    if (d.e < Date.now()) throw new GraphError(401, "unauthenticated", "The download URL has expired.");
    const tenant = ctx.tenants.get(d.t) as MicrosoftTenant | undefined;
    const drive = tenant?.driveByKey(d.u);
    const item = drive?.get(d.i);
    // A URL names one version, as OneDrive's do: a newer version makes it stale.
    if (!drive || !item || item.version !== d.v) throw itemNotFound();
    const content = (await drive.content(d.i)) ?? Buffer.alloc(0);
    return reply.type(item.mimeType || "application/octet-stream").header("content-length", String(content.length)).send(content);
  });
}

/** Whose drive: a user's OneDrive or a site's document library, as driveItems describe it. */
interface DriveOwner {
  key: number;
  driveType: "business" | "documentLibrary";
  driveName: string;
  webRoot: string;
  owner: Record<string, unknown>;
}

function userOwner(tenant: MicrosoftTenant, user: MicrosoftUser): DriveOwner {
  return {
    key: user.index,
    driveType: "business",
    driveName: "OneDrive",
    webRoot: `https://${tenant.domain.split(".")[0]}-my.sharepoint.com/personal/${user.userPrincipalName.replace(/[@.]/g, "_")}/Documents`,
    owner: { user: { id: user.id, displayName: user.displayName, email: user.userPrincipalName } },
  };
}

function siteOwner(site: SiteInfo): DriveOwner {
  return { key: site.driveKey, driveType: "documentLibrary", driveName: "Documents", webRoot: `${site.webUrl}/Shared%20Documents`, owner: { group: { displayName: site.displayName } } };
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
