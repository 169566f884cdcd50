// Discovery: Directory users (Admin SDK users.list, customer=my_customer, as the admin) → one
// gmail, drive, calendar and contacts unit per user; shared drives (drives.list with
// useDomainAdminAccess, as the admin) → one shared-drive unit each.
import type { admin_directory_v1, drive_v3 } from "googleapis";
import type { DiscoveredUnit, UnitKind } from "../core/types";
import type { GoogleApis } from "./api";
import { ownerState } from "./transform";

export const USER_UNIT_KINDS = ["gmail", "drive", "calendar", "contacts"] as const satisfies readonly UnitKind[];

export async function discoverGoogle(g: GoogleApis, signal?: AbortSignal): Promise<DiscoveredUnit[]> {
  const admin = g.config.adminEmail;
  const dir = g.directory();
  const users: admin_directory_v1.Schema$User[] = [];
  let pageToken: string | undefined;
  do {
    const res = await g.call("directory", admin, "users.list", () => dir.users.list({ customer: "my_customer", maxResults: 500, pageToken, orderBy: "email" }, { signal }), { signal });
    users.push(...(res.data.users ?? []));
    pageToken = res.data.nextPageToken ?? undefined;
  } while (pageToken);

  const units: DiscoveredUnit[] = [];
  for (const u of users) {
    if (!u.id || !u.primaryEmail) continue;
    const owner = { externalId: u.id, email: u.primaryEmail, displayName: u.name?.fullName ?? undefined, state: ownerState(u) };
    for (const kind of USER_UNIT_KINDS) {
      units.push({ key: `${kind}:${u.id}`, kind, externalId: u.id, displayName: `${owner.displayName ?? owner.email} — ${kind}`, owner, attributes: { email: u.primaryEmail } });
    }
  }

  const drive = g.drive(admin);
  const drives: drive_v3.Schema$Drive[] = [];
  pageToken = undefined;
  do {
    const res = await g.call("drive", admin, "drives.list", () => drive.drives.list({ pageSize: 100, pageToken, useDomainAdminAccess: true }, { signal }), { signal });
    drives.push(...(res.data.drives ?? []));
    pageToken = res.data.nextPageToken ?? undefined;
  } while (pageToken);
  for (const d of drives) {
    if (!d.id) continue;
    units.push({ key: `shared-drive:${d.id}`, kind: "shared-drive", externalId: d.id, displayName: d.name ?? d.id, attributes: { driveId: d.id } });
  }
  return units;
}
