import Link from "next/link";
import type { ReactNode } from "react";
import type { OrganizationMembership } from "@holdfast/services";
import { Logo } from "../icons";
import { ClosedBanner } from "./closed-banner";
import { MobileNav } from "./mobile-nav";
import { OrgAccessProvider } from "./org-access";
import { OrgSwitcher } from "./org-switcher";
import { SidebarNav } from "./sidebar-nav";
import { UserMenu, type ShellUser } from "./user-menu";

/** The signed-in frame: a fixed sidebar from lg up, a header with a drawer below it. */
export function AppShell({ user, organizations, currentOrgId, children }: { user: ShellUser; organizations: OrganizationMembership[]; currentOrgId: string; children: ReactNode }) {
  const current = organizations.find((o) => o.id === currentOrgId);
  // The layout 404s before this for an organisation the viewer cannot reach; the fallback is the least access.
  const closedAt = current?.closedAt ?? null;
  const access = { orgId: currentOrgId, role: current?.role ?? "viewer", selfService: current?.selfService ?? true, closedAt };
  // Self-service people have no overview: home is their own data.
  const home = access.selfService ? `/o/${currentOrgId}/browse` : `/o/${currentOrgId}`;
  const navigation = (
    <>
      <OrgSwitcher organizations={organizations} currentId={currentOrgId} />
      <SidebarNav orgId={currentOrgId} access={access} />
    </>
  );
  return (
    <div className="min-h-dvh">
      <a href="#main" className="sr-only z-50 rounded-md bg-white px-4 py-2 text-sm font-medium shadow focus:not-sr-only focus:fixed focus:top-3 focus:left-3">
        Skip to content
      </a>
      <aside className="hidden border-r border-slate-200 bg-white lg:fixed lg:inset-y-0 lg:flex lg:w-72 lg:flex-col">
        <div className="flex h-16 items-center px-6">
          <Link href={home} className="rounded-md" aria-label="Holdfast overview">
            <Logo />
          </Link>
        </div>
        <div className="flex flex-1 flex-col gap-6 overflow-y-auto px-4 pt-2 pb-4">{navigation}</div>
        <div className="border-t border-slate-200 p-3">
          <UserMenu user={user} placement="up" />
        </div>
      </aside>
      <header className="sticky top-0 z-20 flex h-14 items-center justify-between gap-3 border-b border-slate-200 bg-white/95 px-4 backdrop-blur lg:hidden">
        <MobileNav>{navigation}</MobileNav>
        <Link href={home} className="rounded-md" aria-label="Holdfast overview">
          <Logo />
        </Link>
        <UserMenu user={user} placement="down" compact />
      </header>
      <div className="lg:pl-72">
        <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl px-4 py-8 outline-none sm:px-6 lg:px-10 lg:py-10">
          {closedAt ? <ClosedBanner closedAt={closedAt} /> : null}
          <OrgAccessProvider value={access}>{children}</OrgAccessProvider>
        </main>
      </div>
    </div>
  );
}
