// What every Drive handler needs: the caller (the token's user), parameter helpers, and
// Drive's per-parameter error shape.
import type { FastifyReply, FastifyRequest } from "fastify";
import type { SandboxContext } from "../../context";
import { authenticate } from "../auth";
import { GoogleApiError } from "../errors";
import type { GoogleTenant, GoogleUser } from "../tenant";
import type { GoogleDrives } from "./drives";
import type { DriveSpace, GFile } from "./store";

export const DRIVE = "/drive/v3";
export type Query = Record<string, string | string[] | undefined>;

export function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
export const flag = (q: Query, name: string) => one(q[name]) === "true";

/** Drive's per-parameter error: { reason, location, locationType: "parameter" }. */
export function paramError(code: number, message: string, reason: string, location: string): GoogleApiError {
  return new GoogleApiError(code, message, reason, undefined, { location, locationType: "parameter" });
}
export const fileNotFound = (id: string) => paramError(404, `File not found: ${id}.`, "notFound", "fileId");

export interface DriveCaller {
  tenant: GoogleTenant;
  user: GoogleUser;
  drives: GoogleDrives;
}

export function driveCaller(ctx: SandboxContext, req: FastifyRequest, reply: FastifyReply, scopes: readonly string[]): DriveCaller {
  const c = authenticate(ctx, req, reply, scopes);
  // Drive acts as the token's user; a service account without delegation has no My Drive here.
  if (!c.user) throw new GoogleApiError(403, "Service Accounts do not have storage quota.", "storageQuotaExceeded");
  return { tenant: c.tenant, user: c.user, drives: c.tenant.drives };
}

/**
 * Files in a shared drive are invisible (404) unless the caller says supportsAllDrives=true —
 * on the methods that have that parameter (files.get/list/create/update/delete/copy,
 * permissions.*). Methods without it (files.export, revisions.*) reach shared-drive files as
 * any other: pass `anyDrive`.
 */
export function fileOf(c: DriveCaller, q: Query, id: string, opts: { anyDrive?: boolean } = {}): { space: DriveSpace; file: GFile } {
  const found = c.drives.find(c.user, id, opts.anyDrive === true || flag(q, "supportsAllDrives") || flag(q, "supportsTeamDrives"));
  if (!found) throw fileNotFound(id);
  return found;
}

