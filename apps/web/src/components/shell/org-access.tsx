"use client";
// How the viewer reaches the organisation in the URL (member with a role, or self-service), for
// client components that pick their queries by it. It only chooses what to ask for: every answer
// is still decided by the server (ADR 0016).
import { createContext, useContext, type ReactNode } from "react";
import type { Role } from "@holdfast/services";

export interface OrgAccess {
  orgId: string;
  role: Role;
  /** Not a member: the viewer sees only the units they own. */
  selfService: boolean;
  /** When the organisation was closed (ISO); its backups stay readable, nothing new is connected, invited or created. */
  closedAt: string | null;
}

const OrgAccessContext = createContext<OrgAccess | null>(null);

export function OrgAccessProvider({ value, children }: { value: OrgAccess; children: ReactNode }) {
  return <OrgAccessContext.Provider value={value}>{children}</OrgAccessContext.Provider>;
}

/** The access to `orgId`, or null outside that organisation's shell. */
export function useOrgAccess(orgId: string): OrgAccess | null {
  const access = useContext(OrgAccessContext);
  return access && access.orgId === orgId ? access : null;
}
