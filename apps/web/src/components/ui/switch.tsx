"use client";
import { cn } from "~/lib/cn";

/** An on/off control (WAI-ARIA switch): Space and Enter toggle it, like any button. */
export function Switch({
  checked,
  onChange,
  label,
  description,
  disabled = false,
  pending = false,
  id,
}: {
  checked: boolean;
  onChange: (next: boolean) => void;
  label: string;
  description?: string;
  disabled?: boolean;
  pending?: boolean;
  id?: string;
}) {
  return (
    <button
      id={id}
      type="button"
      role="switch"
      aria-checked={checked}
      aria-label={label}
      title={description}
      aria-busy={pending || undefined}
      disabled={disabled || pending}
      onClick={() => onChange(!checked)}
      className={cn(
        "relative inline-flex h-6 w-11 shrink-0 cursor-pointer rounded-full transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 disabled:cursor-not-allowed disabled:opacity-60",
        checked ? "bg-brand-700" : "bg-slate-300",
      )}
    >
      <span aria-hidden="true" className={cn("pointer-events-none mt-0.5 inline-block size-5 rounded-full bg-white shadow ring-0 transition-transform", checked ? "translate-x-5.5" : "translate-x-0.5")} />
    </button>
  );
}
