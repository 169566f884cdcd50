// OneDrive for Business through Graph v1.0 (https://learn.microsoft.com/graph/api/resources/onedrive):
//   GET /users/{id}/drive, /me/drive, /drives/{drive-id}, /sites/{id}/drive   the drive (a
//       user's OneDrive or a SharePoint site's document library, served alike)
//   GET /drives/{d}/root, /drives/{d}/items/{id}, …/children, root/children   driveItems
//   GET /drives/{d}/root/delta (and /users/{id}/drive/root/delta, /me/drive/root/delta)
//       first round: every item (folders before their children), pages linked by
//       @odata.nextLink, the last with @odata.deltaLink (state in `token`, as OneDrive's links
//       carry it); later rounds: items created/changed since (current state) and deleted ones
//       as `{ id, deleted: { state: "deleted" } }`; page size `Prefer: odata.maxpagesize` or
//       `$top` (default 200); an expired token → 410 Gone, code resyncRequired. A renamed or
//       moved folder is reported itself and its descendants are not (documented Graph
//       behaviour: their ids and parentReference.id are unchanged; a client derives their paths
//       from the folder). The first round lists items in index order, so a seeded folder moved
//       below a folder created later comes before its new parent.
//   GET /drives/{d}/items/{id}/content → 302 to a pre-authenticated download URL (also on each
//       file as @microsoft.graph.downloadUrl); the URL needs no Authorization.
//   GET …/items/{id}/versions, …/versions/{vid}, …/versions/{vid}/content (302 to the download
//       URL of that version) — driveItemVersion ids "1.0", "2.0", …, newest (current) first
//   GET …/items/{id}/permissions — the seeded sharing permissions (read-only)
// Reading needs Files.Read.All (app) or Files.Read / Files.Read.All (delegated, own drive only).
// Writes (uploads, folders, rename/move, delete) are in write-routes.ts.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { SandboxContext } from "../../context";
import { decodePageToken, encodePageToken } from "../../data/encoding";
import { badRequest, GraphError, itemNotFound } from "../errors";
import { graphBase, GRAPH_PATH, maxPageSize, one, type Query } from "../odata";
import { PERMISSIONS } from "../scopes";
import type { MicrosoftTenant } from "../tenant";
import { DOWNLOAD_PATH, downloadKey, downloadUrl, driveOf, iso, itemNotFoundInDrive, itemOr404, itemResource, permissionsOf } from "./resources";
import { registerDriveWrites } from "./write-routes";

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
  const target = (req: FastifyRequest, reply: FastifyReply) => driveOf(ctx, req, reply, PERMISSIONS.filesRead);

  const prefixes = [`${GRAPH_PATH}/users/:uid/drive`, `${GRAPH_PATH}/me/drive`, `${GRAPH_PATH}/drives/:did`, `${GRAPH_PATH}/sites/:sid/drive`];
  const route = (suffix: string, handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) => {
    for (const p of prefixes) app.get(`${p}${suffix}`, handler);
  };

  route("", async (req, reply) => {
    const { user, drive } = target(req, reply);
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

  route("/root", async (req, reply) => {
    const t = target(req, reply);
    return itemResource(req, t, itemOr404(t.drive, "root"));
  });
  route("/items/:iid", async (req, reply) => {
    const t = target(req, reply);
    return itemResource(req, t, itemOr404(t.drive, (req.params as { iid: string }).iid));
  });
  const children = async (req: FastifyRequest, reply: FastifyReply) => {
    const t = target(req, reply);
    const { drive } = t;
    const parent = itemOr404(drive, (req.params as { iid?: string }).iid ?? "root");
    const value = [];
    for (const c of drive.items()) if (c.parentIndex === parent.index && c.index !== parent.index) value.push(await itemResource(req, t, c));
    return { "@odata.context": `${graphBase(req)}/$metadata#Collection(driveItem)`, value };
  };
  route("/items/:iid/children", children);
  route("/root/children", children);
  route("/items/:iid/content", async (req, reply) => {
    const t = target(req, reply);
    const { tenant, user, drive } = t;
    const item = itemOr404(drive, (req.params as { iid: string }).iid);
    if (item.folder) throw badRequest("Content is only available for files.");
    return reply.redirect(downloadUrl(req, tenant, user, item), 302);
  });

  // driveItem: list versions (https://learn.microsoft.com/graph/api/driveitem-list-versions):
  // OneDrive for Business numbers versions "1.0", "2.0", …; the current version is listed too.
  const fileOr400 = (req: FastifyRequest, reply: FastifyReply) => {
    const t = target(req, reply);
    const item = itemOr404(t.drive, (req.params as { iid: string }).iid);
    if (item.folder) throw new GraphError(400, "invalidRequest", "Versions are only available for files.");
    return { t, item };
  };
  const versionResource = (t: ReturnType<typeof target>, v: { version: number; modifiedAt: number; size: number }) => ({
    id: `${v.version}.0`,
    lastModifiedDateTime: iso(v.modifiedAt),
    size: v.size,
    lastModifiedBy: t.user.user ? { user: { id: t.user.user.id, displayName: t.user.user.displayName, email: t.user.user.userPrincipalName } } : { application: { displayName: "SharePoint" } },
  });
  const versionOr404 = async (t: ReturnType<typeof target>, index: number, vid: string) => {
    const m = /^(\d+)(?:\.0)?$/.exec(vid);
    const v = m ? (await t.drive.versions(index)).find((x) => x.version === Number(m[1])) : undefined;
    if (!v) throw itemNotFoundInDrive();
    return v;
  };
  route("/items/:iid/versions", async (req, reply) => {
    const { t, item } = fileOr400(req, reply);
    return { "@odata.context": `${graphBase(req)}/$metadata#Collection(driveItemVersion)`, value: (await t.drive.versions(item.index)).map((v) => versionResource(t, v)) };
  });
  route("/items/:iid/versions/:vid", async (req, reply) => {
    const { t, item } = fileOr400(req, reply);
    return { "@odata.context": `${graphBase(req)}/$metadata#driveItemVersion/$entity`, ...versionResource(t, await versionOr404(t, item.index, (req.params as { vid: string }).vid)) };
  });
  route("/items/:iid/versions/:vid/content", async (req, reply) => {
    const { t, item } = fileOr400(req, reply);
    const v = await versionOr404(t, item.index, (req.params as { vid: string }).vid);
    return reply.redirect(downloadUrl(req, t.tenant, t.user, item, v.version, v.version !== item.version), 302);
  });

  // driveItem: list permissions — read-only here, seeded per item (see permissionsOf).
  route("/items/:iid/permissions", async (req, reply) => {
    const t = target(req, reply);
    const item = itemOr404(t.drive, (req.params as { iid: string }).iid);
    return { "@odata.context": `${graphBase(req)}/$metadata#Collection(permission)`, value: permissionsOf(t.tenant, t.user, t.drive, item) };
  });
  route("/root/permissions", async (req, reply) => {
    const t = target(req, reply);
    return { "@odata.context": `${graphBase(req)}/$metadata#Collection(permission)`, value: permissionsOf(t.tenant, t.user, t.drive, itemOr404(t.drive, "root")) };
  });

  route("/root/delta", async (req, reply) => {
    const t = target(req, reply);
    const { user, drive } = t;
    const q = req.query as Query;
    const token = one(q, "token");
    let state: DeltaState;
    if (token) {
      const d = decodePageToken(token, isState);
      if (!d) throw badRequest("Invalid token.");
      // A deltaLink (no cursor) starts a change round from its sequence.
      state = d.a === undefined && d.c === undefined ? { s: d.u, c: d.u, u: drive.seq, n: d.n } : d;
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
        value.push(await itemResource(req, t, item));
        state.a = item.index;
      }
    } else {
      for (const e of drive.changes(state.s ?? 0, state.u, state.c ?? 0)) {
        if (value.length === size) {
          more = true;
          break;
        }
        const parent = drive.get(e.item.parentIndex);
        value.push(e.deleted ? { id: e.item.id, name: e.item.name, deleted: { state: "deleted" }, ...(e.item.folder ? { folder: {} } : { file: {} }), parentReference: { driveType: user.driveType, driveId: drive.id, ...(parent ? { id: parent.id } : {}) } } : await itemResource(req, t, e.item));
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
    const d = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { t: string; u: number; i: number; v: number; e: number; h?: 1 };
    if (d.e < Date.now()) throw new GraphError(401, "unauthenticated", "The download URL has expired.");
    const tenant = ctx.tenants.get(d.t) as MicrosoftTenant | undefined;
    const drive = tenant?.driveByKey(d.u);
    const item = drive?.get(d.i);
    // A URL names one version, as OneDrive's do: a newer version makes it stale — unless it
    // names an earlier version on purpose (versions/{id}/content).
    if (!drive || !item || (d.h ? item.version <= d.v : item.version !== d.v)) throw itemNotFound();
    const content = await drive.versionContent(d.i, d.v);
    if (!content) throw itemNotFound();
    return reply.type(item.mimeType || "application/octet-stream").header("content-length", String(content.length)).send(content);
  });

  registerDriveWrites(app, ctx, prefixes);
}

