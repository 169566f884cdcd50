"use client";
import Link from "next/link";
import type { OrganizationMembership } from "@holdfast/services";
import { cn } from "~/lib/cn";
import { ROLE_LABEL } from "~/lib/roles";
import { Icon } from "../icons";
import { Popover } from "./popover";

/** What the viewer is there: their role, or, for self-service (not a member, ADR 0016), "your data". */
function accessLabel(o: OrganizationMembership): string {
  return o.selfService ? "Self-service · your data" : ROLE_LABEL[o.role];
}

/** Where switching to an organisation lands: self-service people have no overview, only their data. */
function homeOf(o: OrganizationMembership): string {
  return o.selfService ? `/o/${o.id}/browse` : `/o/${o.id}`;
}

export function OrgSwitcher({ organizations, currentId }: { organizations: OrganizationMembership[]; currentId: string }) {
  const current = organizations.find((o) => o.id === currentId) ?? organizations[0];
  if (!current) return null;
  return (
    <Popover
      buttonClassName="flex w-full items-center gap-3 rounded-lg bg-white px-3 py-2 text-left shadow-sm ring-1 ring-slate-200 hover:bg-slate-50"
      panelClassName="absolute inset-x-0 top-full z-30 mt-2 rounded-lg bg-white p-1 shadow-lg ring-1 ring-slate-200"
      button={
        <>
          <span aria-hidden="true" className="flex size-8 shrink-0 items-center justify-center rounded-md bg-brand-100 text-sm font-semibold text-brand-800">
            {current.name.slice(0, 1).toUpperCase()}
          </span>
          <span className="min-w-0 flex-1">
            <span className="block truncate text-sm font-medium text-slate-900">{current.name}</span>
            <span className="block text-xs text-slate-500">{accessLabel(current)}</span>
            <span className="sr-only">: switch organisation</span>
          </span>
          <Icon name="chevronUpDown" className="size-4 shrink-0 text-slate-400" />
        </>
      }
    >
      {(close) => (
        <>
          <p className="px-3 pt-2 pb-1 text-xs font-medium tracking-wide text-slate-500 uppercase">Your organisations</p>
          <ul className="max-h-72 overflow-y-auto">
            {organizations.map((o) => (
              <li key={o.id}>
                <Link
                  href={homeOf(o)}
                  onClick={() => close()}
                  aria-current={o.id === current.id ? "true" : undefined}
                  className={cn("flex items-center gap-3 rounded-md px-3 py-2 text-sm hover:bg-slate-100", o.id === current.id && "bg-slate-50")}
                >
                  <span className="min-w-0 flex-1">
                    <span className="block truncate font-medium text-slate-900">{o.name}</span>
                    <span className="block text-xs text-slate-500">{accessLabel(o)}</span>
                  </span>
                  {o.id === current.id ? <Icon name="check" className="size-4 text-brand-700" /> : null}
                </Link>
              </li>
            ))}
          </ul>
        </>
      )}
    </Popover>
  );
}
