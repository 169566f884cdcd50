import { useId, type InputHTMLAttributes, type ReactNode, type Ref, type SelectHTMLAttributes } from "react";
import { cn } from "~/lib/cn";
import { Icon } from "../icons";

const CONTROL =
  "block w-full rounded-lg border-0 bg-white px-3 text-sm text-slate-900 shadow-sm ring-1 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:outline-none disabled:bg-slate-50 disabled:text-slate-500";

function controlClasses(invalid: boolean, extra?: string) {
  return cn(CONTROL, invalid ? "ring-red-400 focus:ring-red-500" : "ring-slate-300 focus:ring-brand-600", extra);
}

interface FieldChrome {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  /** Visually hide the label (it stays the accessible name). */
  hideLabel?: boolean;
  className?: string;
}

function FieldFrame({ id, label, hint, error, hideLabel, className, children }: FieldChrome & { id: string; children: ReactNode }) {
  return (
    <div className={className}>
      <label htmlFor={id} className={hideLabel ? "sr-only" : "mb-1.5 block text-sm font-medium text-slate-800"}>
        {label}
      </label>
      {children}
      {error ? (
        <p id={`${id}-error`} className="mt-1.5 text-sm text-red-700">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="mt-1.5 text-sm text-slate-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export function TextField({ label, hint, error, hideLabel, className, id, inputClassName, ref, ...props }: FieldChrome & InputHTMLAttributes<HTMLInputElement> & { inputClassName?: string; ref?: Ref<HTMLInputElement> }) {
  const auto = useId();
  const fieldId = id ?? auto;
  return (
    <FieldFrame id={fieldId} label={label} hint={hint} error={error} hideLabel={hideLabel} className={className}>
      <input
        ref={ref}
        id={fieldId}
        className={controlClasses(!!error, cn("h-10", inputClassName))}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${fieldId}-error` : hint ? `${fieldId}-hint` : undefined}
        {...props}
      />
    </FieldFrame>
  );
}

export function SelectField({ label, hint, error, hideLabel, className, id, children, selectClassName, ...props }: FieldChrome & SelectHTMLAttributes<HTMLSelectElement> & { selectClassName?: string }) {
  const auto = useId();
  const fieldId = id ?? auto;
  return (
    <FieldFrame id={fieldId} label={label} hint={hint} error={error} hideLabel={hideLabel} className={className}>
      <div className="relative">
        <select
          id={fieldId}
          className={controlClasses(!!error, cn("h-10 appearance-none pr-9", selectClassName))}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${fieldId}-error` : hint ? `${fieldId}-hint` : undefined}
          {...props}
        >
          {children}
        </select>
        <Icon name="chevronDown" className="pointer-events-none absolute top-1/2 right-3 size-4 -translate-y-1/2 text-slate-500" />
      </div>
    </FieldFrame>
  );
}
