"use client";
import Link from "next/link";
import { initials } from "~/lib/format";
import { cn } from "~/lib/cn";
import { Icon } from "../icons";
import { SignOutButton } from "./sign-out-button";
import { Popover } from "./popover";

export interface ShellUser {
  name: string | null;
  email: string;
  mfaEnabled: boolean;
}

/** Opens upwards in the sidebar, downwards in the mobile header. */
export function UserMenu({ user, placement = "up", compact = false }: { user: ShellUser; placement?: "up" | "down"; compact?: boolean }) {
  const display = user.name ?? user.email;
  return (
    <Popover
      // Compact: only the initials show, so the name is given; otherwise it is the visible text (axe: label-content-name-mismatch).
      label={compact ? `Account menu for ${display}` : undefined}
      buttonClassName={cn("flex items-center gap-3 rounded-lg text-left hover:bg-slate-100", compact ? "p-1" : "w-full px-2 py-2")}
      panelClassName={cn("absolute z-30 w-64 rounded-lg bg-white p-1 shadow-lg ring-1 ring-slate-200", placement === "up" ? "bottom-full left-0 mb-2" : "top-full right-0 mt-2")}
      button={
        <>
          <span aria-hidden="true" className="flex size-8 shrink-0 items-center justify-center rounded-full bg-slate-800 text-xs font-semibold text-white">
            {initials(display)}
          </span>
          {compact ? null : (
            <span className="min-w-0 flex-1">
              <span className="block truncate text-sm font-medium text-slate-900">{display}</span>
              {user.name ? <span className="block truncate text-xs text-slate-500">{user.email}</span> : null}
              <span className="sr-only">: account menu</span>
            </span>
          )}
        </>
      }
    >
      {(close) => (
        <>
          <div className="border-b border-slate-100 px-3 py-2.5">
            <p className="truncate text-sm font-medium text-slate-900">{display}</p>
            <p className="truncate text-xs text-slate-500">{user.email}</p>
          </div>
          <Link href="/account/security" onClick={() => close()} className="mt-1 flex items-center gap-2 rounded-md px-3 py-2 text-sm text-slate-700 hover:bg-slate-100">
            <Icon name="shield" className="size-4 text-slate-500" />
            <span className="flex-1">Account security</span>
            {user.mfaEnabled ? null : <span className="rounded bg-amber-100 px-1.5 py-0.5 text-[11px] font-medium text-amber-800">2FA off</span>}
          </Link>
          <SignOutButton className="w-full justify-start px-3 font-normal text-slate-700" />
        </>
      )}
    </Popover>
  );
}
