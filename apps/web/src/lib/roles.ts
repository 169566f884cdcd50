import type { Role } from "@holdfast/services";

export const ROLE_ORDER: Role[] = ["viewer", "operator", "admin", "owner"];
const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3, owner: 4 };

export const ROLE_LABEL: Record<Role, string> = { owner: "Owner", admin: "Admin", operator: "Operator", viewer: "Viewer" };

export const ROLE_DESCRIPTION: Record<Role, string> = {
  owner: "Everything, including managing other owners",
  admin: "Manage members, API keys and settings",
  operator: "Run backups and restores",
  viewer: "Read-only access",
};

export function atLeast(role: Role, required: Role): boolean {
  return RANK[role] >= RANK[required];
}

/**
 * Roles this person may hand out or take away: their own and below, and owner only if they are
 * one. The server enforces the same rule; the console uses it to offer only what will work.
 */
export function assignableRoles(myRole: Role): Role[] {
  if (!atLeast(myRole, "admin")) return [];
  return ROLE_ORDER.filter((r) => atLeast(myRole, r) && (r !== "owner" || myRole === "owner"));
}

export function canManageMember(myRole: Role, theirRole: Role, isSelf: boolean): boolean {
  return !isSelf && assignableRoles(myRole).includes(theirRole);
}
