"use client";
// A radio button or checkbox as a card: its short name is the control's accessible name, and the
// sentence under it describes it (aria-describedby) without becoming part of the name.
import { useId, type ReactNode } from "react";
import { cn } from "~/lib/cn";

export function OptionCard({
  type,
  name,
  value,
  checked,
  onChange,
  label,
  help,
  disabled,
}: {
  type: "radio" | "checkbox";
  name?: string;
  value?: string;
  checked: boolean;
  /** Called with the new checked state (a radio only ever reports true). */
  onChange: (checked: boolean) => void;
  label: ReactNode;
  help: ReactNode;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div className={cn("flex gap-3 rounded-lg p-3 ring-1 ring-inset", checked ? "bg-brand-50/60 ring-brand-300" : "ring-slate-200", disabled && "opacity-60")}>
      <input
        id={id}
        type={type}
        name={name}
        value={value}
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
        aria-describedby={`${id}-help`}
        className={cn("mt-0.5 size-4 shrink-0 accent-brand-700", type === "checkbox" && "rounded border-slate-300")}
      />
      <div className="min-w-0">
        <label htmlFor={id} className="text-sm font-medium text-slate-900">
          {label}
        </label>
        <p id={`${id}-help`} className="mt-0.5 text-sm text-slate-600">
          {help}
        </p>
      </div>
    </div>
  );
}
