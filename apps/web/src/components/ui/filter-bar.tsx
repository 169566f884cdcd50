"use client";
import type { ReactNode } from "react";
import { useTimeZoneName } from "./local-time";

/** The filters above a newest-first log (jobs, audit), and the time zone its times are shown in. */
export function FilterBar({ children }: { children: ReactNode }) {
  const tz = useTimeZoneName();
  return (
    <div className="flex flex-wrap items-end justify-between gap-4 border-b border-slate-100 px-4 py-4 sm:px-6">
      {children}
      <p className="text-sm text-slate-500">
        Times shown in <span className="font-medium text-slate-700">{tz}</span>, newest first
      </p>
    </div>
  );
}
