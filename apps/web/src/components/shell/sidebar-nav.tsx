"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "~/lib/cn";
import { Icon } from "../icons";
import { navItems, type NavAccess } from "./nav-items";

export function SidebarNav({ orgId, access, onNavigate }: { orgId: string; access: NavAccess; onNavigate?: () => void }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Console">
      <ul className="space-y-1">
        {navItems(orgId, access).map((item) => {
          const active = item.exact ? pathname === item.href : pathname === item.href || pathname.startsWith(`${item.href}/`);
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                onClick={onNavigate}
                aria-current={active ? "page" : undefined}
                className={cn(
                  "flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium transition-colors",
                  active ? "bg-brand-50 text-brand-800" : "text-slate-700 hover:bg-slate-100 hover:text-slate-900",
                )}
              >
                <Icon name={item.icon} className={cn("size-5", active ? "text-brand-700" : "text-slate-400")} />
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
      {access.selfService ? (
        <p className="mt-4 flex items-start gap-2 rounded-lg bg-slate-50 px-3 py-2 text-xs text-slate-600 ring-1 ring-slate-200">
          <Icon name="shield" className="mt-px size-4 shrink-0 text-slate-400" />
          Self-service: your own data only
        </p>
      ) : null}
    </nav>
  );
}
