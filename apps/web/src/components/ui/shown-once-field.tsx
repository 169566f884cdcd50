"use client";
import { useId } from "react";
import { cn } from "~/lib/cn";
import { CopyButton } from "./copy-button";

const TONE = {
  warning: "text-slate-900 ring-amber-300",
  success: "text-slate-800 ring-emerald-300",
} as const;

/**
 * A secret shown only this once (a new API key, a recovery key, an invitation link), inside the
 * alert that says so: read-only, selected whole on focus, with a copy button. `tone` matches the alert.
 */
export function ShownOnceField({ label, value, copyLabel, tone }: { label: string; value: string; copyLabel: string; tone: keyof typeof TONE }) {
  const id = useId();
  return (
    <div className="mt-3 flex flex-col gap-2 sm:flex-row">
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <input
        id={id}
        readOnly
        value={value}
        onFocus={(e) => e.currentTarget.select()}
        className={cn("h-10 min-w-0 flex-1 rounded-lg border-0 bg-white px-3 font-mono text-xs ring-1 ring-inset", TONE[tone])}
      />
      <CopyButton value={value} label={copyLabel} fallbackInputId={id} />
    </div>
  );
}
