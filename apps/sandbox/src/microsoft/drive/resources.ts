// What every OneDrive / document-library handler shares: resolving the drive a path addresses
// (and checking the caller may use it), driveItem resources (https://learn.microsoft.com/graph/api/resources/driveitem),
// pre-authenticated download URLs, and the seeded sharing permissions of an item.
import { createHmac, randomBytes } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { SandboxContext } from "../../context";
import { sha256Hex } from "../../data/encoding";
import { hash32 } from "../../data/random";
import { baseUrl } from "../../http/base-url";
import { graphCaller, requirePermission } from "../auth";
import { accessDenied, badRequest, GraphError } from "../errors";
import type { PermissionSet } from "../scopes";
import { siteByKey } from "../sites/routes";
import { SITE_DRIVE_KEY_BASE, type SiteInfo } from "../sites/sites";
import type { MicrosoftTenant, MicrosoftUser } from "../tenant";
import type { DriveItemState, MsDrive } from "./drive";

export const DOWNLOAD_PATH = "/microsoft/download";
const DOWNLOAD_TTL_MS = 60 * 60_000;
/** Signs download URLs; per process, like every other credential of the sandbox. */
export const downloadKey = randomBytes(32);

/** Whose drive: a user's OneDrive or a site's document library, as driveItems describe it. */
export interface DriveOwner {
  key: number;
  driveType: "business" | "documentLibrary";
  driveName: string;
  webRoot: string;
  owner: Record<string, unknown>;
  /** The site of a document library. */
  site?: SiteInfo;
  user?: MicrosoftUser;
}

export interface DriveTarget {
  tenant: MicrosoftTenant;
  user: DriveOwner;
  drive: MsDrive;
}

export const itemNotFoundInDrive = () => new GraphError(404, "itemNotFound", "The resource could not be found.");

/** The drive of `/users/{uid}/drive`, `/me/drive`, `/drives/{did}` or `/sites/{sid}/drive`, for this caller. */
export function driveOf(ctx: SandboxContext, req: FastifyRequest, reply: FastifyReply, permission: PermissionSet): DriveTarget {
  const caller = graphCaller(ctx, req, reply);
  requirePermission(caller, permission);
  const { uid, did, sid } = req.params as { uid?: string; did?: string; sid?: string };
  // A SharePoint document library: every member of the tenant may use it.
  const site = sid ? siteByKey(caller.tenant, sid) : did?.startsWith("b!") ? caller.tenant.sites.find((s) => caller.tenant.siteDrive(s).id === did) : undefined;
  if (sid && !site) throw itemNotFoundInDrive();
  if (site) return { tenant: caller.tenant, user: siteOwner(site), drive: caller.tenant.siteDrive(site) };
  let user: MicrosoftUser | undefined;
  if (did) user = caller.tenant.users.find((u) => caller.tenant.driveId(u) === did);
  else if (uid) user = caller.tenant.user(uid);
  else
    user =
      caller.user ??
      (() => {
        throw badRequest("/me request is only valid with delegated authentication flow.");
      })();
  if (!user) throw itemNotFoundInDrive();
  if (caller.user && caller.user.id !== user.id) throw accessDenied();
  return { tenant: caller.tenant, user: userOwner(caller.tenant, user), drive: caller.tenant.drive(user) };
}

/** The owner of a drive by its key (upload sessions and download URLs carry the key). */
export function ownerByKey(tenant: MicrosoftTenant, key: number): DriveOwner | undefined {
  if (key >= SITE_DRIVE_KEY_BASE) {
    const site = tenant.sites.find((s) => s.driveKey === key);
    return site ? siteOwner(site) : undefined;
  }
  const user = tenant.users.find((u) => u.index === key);
  return user ? userOwner(tenant, user) : undefined;
}

export function itemOr404(drive: MsDrive, id: string): DriveItemState {
  const item = drive.get(id);
  if (!item) throw itemNotFoundInDrive();
  return item;
}

/** A signed, 1-hour URL for one version of a file (`historical`: an earlier one, from versions). */
export function downloadUrl(req: FastifyRequest, tenant: MicrosoftTenant, user: DriveOwner, item: DriveItemState, version = item.version, historical = false): string {
  const payload = Buffer.from(JSON.stringify({ t: tenant.id, u: user.key, i: item.index, v: version, e: Date.now() + DOWNLOAD_TTL_MS, ...(historical ? { h: 1 } : {}) })).toString("base64url");
  const sig = createHmac("sha256", downloadKey).update(payload).digest("base64url");
  return `${baseUrl(req)}${DOWNLOAD_PATH}/${payload}.${sig}`;
}

export function parentReference(user: DriveOwner, drive: MsDrive, parent: DriveItemState | undefined): Record<string, unknown> {
  return parent ? { driveType: user.driveType, driveId: drive.id, id: parent.id, path: `/drives/${drive.id}/root:${parent.index === 0 ? "" : drive.path(parent.index)}` } : { driveType: user.driveType, driveId: drive.id };
}

export async function itemResource(req: FastifyRequest, { tenant, user, drive }: DriveTarget, item: DriveItemState): Promise<Record<string, unknown>> {
  const parent = item.index === 0 ? undefined : drive.get(item.parentIndex);
  const base = {
    id: item.id,
    name: item.name,
    createdDateTime: iso(item.createdAt),
    lastModifiedDateTime: iso(item.modifiedAt),
    eTag: `"{${item.id}},${item.version}"`,
    cTag: `"c:{${item.id}},${item.version}"`,
    webUrl: `${user.webRoot}${item.index === 0 ? "" : drive.path(item.index)}`,
    parentReference: parentReference(user, drive, parent),
  };
  if (item.folder) {
    let childCount = 0;
    for (const c of drive.items()) if (c.parentIndex === item.index && c.index !== item.index) childCount++;
    return { ...base, size: 0, folder: { childCount }, ...(item.index === 0 ? { root: {} } : {}) };
  }
  const content = (await drive.content(item.index)) ?? Buffer.alloc(0);
  return { ...base, "@microsoft.graph.downloadUrl": downloadUrl(req, tenant, user, item), size: content.length, file: { mimeType: item.mimeType, hashes: { sha256Hash: sha256Hex(content).toUpperCase() } } };
}

/**
 * The item's sharing permissions (permission resource), seeded: the owner (a user, or the site's
 * Owners group) on every item — inherited from the root below it — plus, for about a third of
 * the files, an organization-wide view link and, for a tenth, a colleague (or the site's
 * Members group) with write access.
 */
export function permissionsOf(tenant: MicrosoftTenant, user: DriveOwner, drive: MsDrive, item: DriveItemState): Record<string, unknown>[] {
  const root = drive.get(0);
  const inherited = item.index === 0 || !root ? {} : { inheritedFrom: { driveId: drive.id, id: root.id, path: `/drives/${drive.id}/root:` } };
  const pid = (...parts: (string | number)[]) => Buffer.from(`sbx|${parts.join("|")}`).toString("base64url");
  const identity = (u: MicrosoftUser) => ({ user: { id: u.id, displayName: u.displayName, email: u.userPrincipalName } });
  const site = user.site;
  const out: Record<string, unknown>[] = [];
  if (site) {
    const group = { siteGroup: { id: "3", displayName: `${site.displayName} Owners`, loginName: `${site.displayName} Owners` } };
    out.push({ id: pid("owners", site.id), roles: ["owner"], grantedToV2: group, ...inherited });
  } else if (user.user) {
    out.push({ id: pid("owner", user.user.id), roles: ["owner"], grantedTo: identity(user.user), grantedToV2: identity(user.user), ...inherited });
  }
  if (item.folder) return out;
  const h = hash32("ms-permissions", drive.id, item.index) % 10;
  if (h < 3) {
    out.push({ id: pid("link", drive.id, item.index), roles: ["read"], hasPassword: false, link: { scope: "organization", type: "view", preventsDownload: false, webUrl: `${user.webRoot.split("/").slice(0, 3).join("/")}/:u:/g/${pid("share", item.index)}` } });
  }
  if (h === 0) {
    if (site) out.push({ id: pid("members", site.id, item.index), roles: ["write"], grantedToV2: { siteGroup: { id: "5", displayName: `${site.displayName} Members`, loginName: `${site.displayName} Members` } } });
    else {
      const colleague = tenant.users.filter((u) => u.id !== user.user?.id)[item.index % Math.max(1, tenant.users.length - 1)];
      if (colleague) out.push({ id: pid("grant", colleague.id, item.index), roles: ["write"], grantedTo: identity(colleague), grantedToV2: identity(colleague) });
    }
  }
  return out;
}

export function userOwner(tenant: MicrosoftTenant, user: MicrosoftUser): DriveOwner {
  return {
    key: user.index,
    driveType: "business",
    driveName: "OneDrive",
    webRoot: `https://${tenant.domain.split(".")[0]}-my.sharepoint.com/personal/${user.userPrincipalName.replace(/[@.]/g, "_")}/Documents`,
    owner: { user: { id: user.id, displayName: user.displayName, email: user.userPrincipalName } },
    user,
  };
}

export function siteOwner(site: SiteInfo): DriveOwner {
  return { key: site.driveKey, driveType: "documentLibrary", driveName: "Documents", webRoot: `${site.webUrl}/Shared%20Documents`, owner: { group: { displayName: site.displayName } }, site };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
