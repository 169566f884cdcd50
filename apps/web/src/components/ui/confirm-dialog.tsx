"use client";
// A modal confirmation on the native <dialog>: focus is trapped and Escape cancels for free.
import { useId, type ReactNode } from "react";
import { errorMessage } from "~/lib/errors";
import { Alert } from "./alert";
import { Button } from "./button";
import { useModalDialog } from "./use-modal-dialog";

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  tone?: "danger" | "primary";
  pending?: boolean;
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * The dialog's `pending`, `error` and `onCancel` for confirming one mutation: cancelling calls
 * `onClose` and resets the mutation, so its error does not greet the next confirmation.
 */
export function mutationDialogProps(mutation: { isPending: boolean; error: unknown; reset: () => void }, onClose: () => void): Pick<ConfirmDialogProps, "pending" | "error" | "onCancel"> {
  return {
    pending: mutation.isPending,
    error: mutation.error ? errorMessage(mutation.error) : null,
    onCancel: () => {
      onClose();
      mutation.reset();
    },
  };
}

export function ConfirmDialog({ open, title, children, confirmLabel, tone = "danger", pending = false, error, onConfirm, onCancel }: ConfirmDialogProps) {
  const ref = useModalDialog(open);
  const titleId = useId();
  const bodyId = useId();

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={children ? bodyId : undefined}
      onCancel={(e) => {
        e.preventDefault();
        if (!pending) onCancel();
      }}
      onClick={(e) => {
        // A click on the backdrop lands on the dialog element itself.
        if (e.target === ref.current && !pending) onCancel();
      }}
      className="m-auto w-[calc(100%-2rem)] max-w-md rounded-xl bg-white p-0 shadow-xl ring-1 ring-slate-200 backdrop:bg-slate-900/40 backdrop:backdrop-blur-[1px]"
    >
      {open ? (
        <div className="p-6">
          <h2 id={titleId} className="text-lg font-semibold text-slate-900">
            {title}
          </h2>
          {children ? (
            <div id={bodyId} className="mt-2 text-sm text-slate-600">
              {children}
            </div>
          ) : null}
          {error ? (
            <Alert tone="danger" className="mt-4">
              {error}
            </Alert>
          ) : null}
          <div className="mt-6 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
            <Button variant="secondary" onClick={onCancel} disabled={pending} autoFocus>
              Cancel
            </Button>
            <Button variant={tone === "danger" ? "danger" : "primary"} onClick={onConfirm} loading={pending}>
              {confirmLabel}
            </Button>
          </div>
        </div>
      ) : null}
    </dialog>
  );
}
