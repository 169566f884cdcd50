"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "~/lib/cn";
import { Icon, type IconName } from "../icons";

interface NavItem {
  label: string;
  href: string;
  icon: IconName;
  exact?: boolean;
}

export function navItems(orgId: string): NavItem[] {
  const base = `/o/${orgId}`;
  return [
    { label: "Overview", href: base, icon: "home", exact: true },
    { label: "Sources", href: `${base}/sources`, icon: "database" },
    { label: "Browse & restore", href: `${base}/browse`, icon: "search" },
    { label: "Jobs", href: `${base}/jobs`, icon: "activity" },
    { label: "Members", href: `${base}/members`, icon: "users" },
    { label: "API keys", href: `${base}/api-keys`, icon: "key" },
    { label: "Audit log", href: `${base}/audit`, icon: "audit" },
  ];
}

export function SidebarNav({ orgId, onNavigate }: { orgId: string; onNavigate?: () => void }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Console">
      <ul className="space-y-1">
        {navItems(orgId).map((item) => {
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
    </nav>
  );
}
