// A tenant's SharePoint Online sites: the root site and two team sites, each with one document
// library ("Documents", a drive of driveType documentLibrary) that is an MsDrive like a user's
// OneDrive — same items, delta and content — keyed apart from the users' drives.
// Site ids are Graph's composite "{hostname},{site-collection id},{web id}".
import { Rng } from "../../data/random";
import { guid } from "../ids";

export interface SiteInfo {
  index: number;
  /** The drive key of its document library (distinct from user indexes). */
  driveKey: number;
  id: string;
  hostname: string;
  /** Server-relative path: "" for the root site, "/sites/projects" for a team site. */
  path: string;
  name: string;
  displayName: string;
  description: string;
  webUrl: string;
}

export const SITE_DRIVE_KEY_BASE = 1_000_000;
const TEAM_SITES: [name: string, displayName: string, description: string][] = [
  ["", "Communication site", "The organization's root site"],
  ["projects", "Projects", "Project documents and plans"],
  ["finance", "Finance", "Budgets, ledgers and reports"],
];

export function generateSites(seed: number, domain: string): SiteInfo[] {
  const hostname = `${domain.split(".")[0] ?? "contoso"}.sharepoint.com`;
  return TEAM_SITES.map(([name, displayName, description], index) => {
    const rng = Rng.from("ms-site", seed, domain, index);
    const path = name ? `/sites/${name}` : "";
    return { index, driveKey: SITE_DRIVE_KEY_BASE + index, id: `${hostname},${guid(rng)},${guid(rng)}`, hostname, path, name: name || "root", displayName, description, webUrl: `https://${hostname}${path}` };
  });
}
