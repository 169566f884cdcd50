import type { Role } from "@holdfast/services";
import { atLeast } from "../../lib/roles";
import type { IconName } from "../icons";

export interface NavItem {
  label: string;
  href: string;
  icon: IconName;
  exact?: boolean;
}

/** How the viewer reaches the organisation: a member with a role, or self-service (own data only). */
export interface NavAccess {
  role: Role;
  selfService: boolean;
}

/**
 * The console's sections for this viewer. Self-service people get only their own data, search and
 * their jobs (ADR 0016); Retention and Requests (ADR 0020) are for members of every role, Settings
 * for admins and owners.
 * Hiding an item is a courtesy: the pages and the services refuse on their own.
 */
export function navItems(orgId: string, access: NavAccess): NavItem[] {
  const base = `/o/${orgId}`;
  if (access.selfService) {
    return [
      { label: "My data", href: `${base}/browse`, icon: "user" },
      { label: "Search", href: `${base}/search`, icon: "search" },
      { label: "Jobs", href: `${base}/jobs`, icon: "activity" },
    ];
  }
  return [
    { label: "Overview", href: base, icon: "home", exact: true },
    { label: "Sources", href: `${base}/sources`, icon: "database" },
    { label: "Browse & restore", href: `${base}/browse`, icon: "search" },
    { label: "Jobs", href: `${base}/jobs`, icon: "activity" },
    { label: "Retention", href: `${base}/retention`, icon: "archive" },
    { label: "Requests", href: `${base}/requests`, icon: "clock" },
    { label: "Members", href: `${base}/members`, icon: "users" },
    { label: "API keys", href: `${base}/api-keys`, icon: "key" },
    { label: "Audit log", href: `${base}/audit`, icon: "audit" },
    ...(atLeast(access.role, "admin") ? [{ label: "Settings", href: `${base}/settings`, icon: "lock" as const }] : []),
  ];
}
