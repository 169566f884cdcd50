"use client";
// A modal with a small form in it (the native <dialog>, like ConfirmDialog): Enter submits, Escape
// or the backdrop closes it unless a submit is in flight, and a server error shows as an alert inside.
import { useId, type FormEvent, type ReactNode } from "react";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { useModalDialog } from "~/components/ui/use-modal-dialog";

export function FormDialog({
  open,
  title,
  submitLabel,
  dismissLabel = "Close",
  tone = "primary",
  pending,
  canSubmit = true,
  error,
  onSubmit,
  onClose,
  children,
}: {
  open: boolean;
  title: string;
  submitLabel: string;
  dismissLabel?: string;
  tone?: "primary" | "danger";
  pending: boolean;
  canSubmit?: boolean;
  error: string | null;
  onSubmit: () => void;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useModalDialog(open);
  const titleId = useId();
  function submit(e: FormEvent) {
    e.preventDefault();
    if (canSubmit && !pending) onSubmit();
  }
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        if (!pending) onClose();
      }}
      onClick={(e) => {
        if (e.target === ref.current && !pending) onClose();
      }}
      className="m-auto w-[calc(100%-2rem)] max-w-md rounded-xl bg-white p-0 shadow-xl ring-1 ring-slate-200 backdrop:bg-slate-900/40 backdrop:backdrop-blur-[1px]"
    >
      {open ? (
        <form onSubmit={submit} className="p-6" noValidate>
          <h2 id={titleId} className="text-lg font-semibold text-slate-900">
            {title}
          </h2>
          <div className="mt-2 space-y-4 text-sm text-slate-600">{children}</div>
          {error ? (
            <Alert tone="danger" className="mt-4">
              {error}
            </Alert>
          ) : null}
          <div className="mt-6 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
            <Button variant="secondary" onClick={onClose} disabled={pending}>
              {dismissLabel}
            </Button>
            <Button type="submit" variant={tone} loading={pending} disabled={!canSubmit}>
              {submitLabel}
            </Button>
          </div>
        </form>
      ) : null}
    </dialog>
  );
}
