"use client";
// Approving needs a fresh code from the approver's authenticator (the service checks it, and that
// the approver is not the requester); cancelling takes an optional reason. Both refresh the lists.
import type { GuardedRequestView } from "@holdfast/services";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { FormDialog } from "~/components/guard/form-dialog";
import { TextField } from "~/components/ui/field";
import { LocalTime } from "~/components/ui/local-time";
import { errorMessage, fieldErrorsOf } from "~/lib/errors";
import { useTRPC } from "~/trpc/react";

const REASON_MAX = 2000;

function useRefreshRequests(orgId: string) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: trpc.guard.list.queryKey({ orgId }) });
}

export function ApproveDialog({ orgId, request, onClose }: { orgId: string; request: GuardedRequestView | null; onClose: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefreshRequests(orgId);
  const [code, setCode] = useState("");
  const approve = useMutation(trpc.guard.approve.mutationOptions({ onSuccess: () => void refresh() }));
  const digits = code.replace(/\s+/g, "");
  const fieldError = fieldErrorsOf(approve.error).code;
  function close() {
    setCode("");
    approve.reset();
    onClose();
  }
  return (
    <FormDialog
      open={request !== null}
      title="Approve request"
      submitLabel="Approve"
      pending={approve.isPending}
      canSubmit={digits.length > 0}
      error={approve.error ? (fieldError ? `Authentication code ${fieldError}.` : errorMessage(approve.error)) : null}
      onClose={close}
      onSubmit={() => request && approve.mutate({ orgId, id: request.id, code: digits }, { onSuccess: close })}
    >
      {request ? (
        <>
          <p className="font-medium text-slate-900">{request.summary}</p>
          <p>
            Asked by {request.requestedBy.name}. Once approved it runs no earlier than <LocalTime iso={request.notBefore} />, and anyone told of it can still cancel it until then.
          </p>
        </>
      ) : null}
      <TextField
        label="Authentication code"
        hint="The 6-digit code from your authenticator app."
        value={code}
        onChange={(e) => {
          setCode(e.target.value);
          if (approve.isError) approve.reset();
        }}
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={8}
        required
        autoFocus
        aria-invalid={fieldError ? true : undefined}
      />
    </FormDialog>
  );
}

export function CancelDialog({ orgId, request, onClose }: { orgId: string; request: GuardedRequestView | null; onClose: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefreshRequests(orgId);
  const reasonId = useId();
  const [reason, setReason] = useState("");
  const cancel = useMutation(trpc.guard.cancel.mutationOptions({ onSuccess: () => void refresh() }));
  function close() {
    setReason("");
    cancel.reset();
    onClose();
  }
  const trimmed = reason.trim();
  return (
    <FormDialog
      open={request !== null}
      title="Cancel request"
      submitLabel="Cancel request"
      dismissLabel="Keep it"
      tone="danger"
      pending={cancel.isPending}
      error={cancel.error ? errorMessage(cancel.error) : null}
      onClose={close}
      onSubmit={() => request && cancel.mutate({ orgId, id: request.id, ...(trimmed ? { reason: trimmed } : {}) }, { onSuccess: close })}
    >
      {request ? (
        <p>
          <span className="font-medium text-slate-900">{request.summary}</span> will not happen. To do it later, someone has to ask again.
        </p>
      ) : null}
      <div>
        <label htmlFor={reasonId} className="mb-1.5 block text-sm font-medium text-slate-800">
          Reason
        </label>
        <textarea
          id={reasonId}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={REASON_MAX}
          rows={3}
          aria-describedby={`${reasonId}-hint`}
          className="block w-full rounded-lg border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-brand-600 focus:outline-none focus:ring-inset"
        />
        <p id={`${reasonId}-hint`} className="mt-1.5 text-sm text-slate-500">
          Optional. Shown with the request and kept in the audit log.
        </p>
      </div>
    </FormDialog>
  );
}
