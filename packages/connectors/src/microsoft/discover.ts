// Discovery: the tenant's users (https://learn.microsoft.com/graph/api/user-list, accountEnabled
// → owner state) with their mailbox, OneDrive (GET /users/{id}/drive), calendar and contacts,
// and every SharePoint site's document libraries (GET /sites?search=*, GET /sites/{id}/drives).
import { isConnectorError } from "../core/errors";
import type { DiscoveredUnit, UnitOwner } from "../core/types";
import { userPath, type GraphApi } from "./graph";

interface GraphUser {
  id: string;
  displayName?: string | null;
  userPrincipalName?: string | null;
  mail?: string | null;
  accountEnabled?: boolean | null;
}

interface GraphDrive {
  id: string;
  name?: string | null;
  driveType?: string | null;
  webUrl?: string | null;
}

interface GraphSite {
  id: string;
  displayName?: string | null;
  name?: string | null;
  webUrl?: string | null;
}

export async function discoverMicrosoft(api: GraphApi, signal?: AbortSignal): Promise<DiscoveredUnit[]> {
  const units: DiscoveredUnit[] = [];
  const users = await api.all<GraphUser>(api.directory(), "/users?$select=id,displayName,userPrincipalName,mail,accountEnabled&$top=999", signal);
  for (const u of users) {
    const email = u.mail ?? u.userPrincipalName ?? u.id;
    const owner: UnitOwner = { externalId: u.id, email, ...(u.displayName ? { displayName: u.displayName } : {}), state: u.accountEnabled === false ? "suspended" : "active" };
    const name = u.displayName ?? email;
    units.push({ key: `exchange:${u.id}`, kind: "exchange", externalId: u.id, displayName: `${name} — mailbox`, owner });
    units.push({ key: `ms-calendar:${u.id}`, kind: "ms-calendar", externalId: u.id, displayName: `${name} — calendar`, owner });
    units.push({ key: `ms-contacts:${u.id}`, kind: "ms-contacts", externalId: u.id, displayName: `${name} — contacts`, owner });
    try {
      const drive = await api.get<GraphDrive>(api.sharePoint(1), `${userPath(u.id)}/drive?$select=id,name,driveType,webUrl`, signal ? { signal } : {});
      units.push({ key: `onedrive:${drive.id}`, kind: "onedrive", externalId: drive.id, displayName: `${name} — OneDrive`, owner, attributes: { driveId: drive.id, userId: u.id } });
    } catch (e) {
      // A user without a provisioned OneDrive (no licence, never signed in) has no drive to protect.
      if (!isConnectorError(e, "not_found")) throw e;
    }
  }
  const sites = await api.all<GraphSite>(api.sharePoint(2), "/sites?search=*", signal);
  for (const s of sites) {
    const drives = await api.all<GraphDrive>(api.sharePoint(2), `/sites/${encodeURIComponent(s.id)}/drives`, signal);
    for (const d of drives) {
      if (d.driveType && d.driveType !== "documentLibrary") continue;
      units.push({
        key: `sharepoint:${d.id}`,
        kind: "sharepoint",
        externalId: d.id,
        displayName: `${s.displayName ?? s.name ?? s.webUrl ?? s.id} / ${d.name ?? "Documents"}`,
        attributes: { driveId: d.id, siteId: s.id, ...(s.webUrl ? { siteUrl: s.webUrl } : {}) },
      });
    }
  }
  return units;
}
