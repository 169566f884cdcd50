"use client";
// "Erase from backups" on an item's page (owners and admins). The vault's copy is under a
// compliance lock no one can lift, so erasure hides the item everywhere and scrubs its name and
// metadata instead; it is as destructive as the product allows, so it is always a guarded request
// (ADR 0020) and the dialog says what happens, what stays and who must agree before it is sent.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useRef, useState } from "react";
import type { GuardedRequestView } from "@holdfast/services";
import { FormDialog } from "~/components/guard/form-dialog";
import { Icon } from "~/components/icons";
import { Button } from "~/components/ui/button";
import { errorMessage, fieldErrorsOf } from "~/lib/errors";
import { cn } from "~/lib/cn";
import { useTRPC } from "~/trpc/react";

/** The service's limit on the reason (RequestErasureInput). */
const REASON_MAX = 2000;

/**
 * Whether a read failed because the item was erased (`ITEM_ERASED` in the services' erasure types:
 * a NOT_FOUND whose details carry that reason). A string here, so the services stay out of the bundle.
 */
export function isErasedError(err: unknown): boolean {
  const data = typeof err === "object" && err !== null && "data" in err ? (err as { data?: { details?: { reason?: unknown } | null } }).data : undefined;
  return data?.details?.reason === "item_erased";
}

/** The open `items.erase` request that names this item, if any (the guard list is the organisation's, newest first). */
export function useOpenErasure(orgId: string, itemId: string, enabled: boolean): GuardedRequestView | null {
  const trpc = useTRPC();
  const open = useQuery({ ...trpc.guard.list.queryOptions({ orgId, filter: "open" }), enabled });
  return open.data?.find((r) => r.kind === "items.erase" && Array.isArray(r.params.itemIds) && r.params.itemIds.includes(itemId.toLowerCase())) ?? null;
}

/** The danger button and its dialog. The request it makes is shown by the page (`onRequested`). */
export function EraseItemAction({ orgId, itemId, itemName, onRequested }: { orgId: string; itemId: string; itemName: string; onRequested: (r: GuardedRequestView) => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const reasonId = useId();
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState(false);
  const erase = useMutation(
    trpc.catalogue.requestErasure.mutationOptions({
      onSuccess: async (request) => {
        setOpen(false);
        onRequested(request);
        await qc.invalidateQueries({ queryKey: trpc.guard.list.queryKey({ orgId }) });
      },
    }),
  );
  const trimmed = reason.trim();
  const reasonError = (missing && !trimmed ? "Give the reason for erasing it" : undefined) ?? fieldErrorsOf(erase.error).reason;
  // A reason the service refused is shown at the field; anything else (not found, already erased, 503) in the dialog.
  const dialogError = erase.error && !fieldErrorsOf(erase.error).reason ? errorMessage(erase.error) : null;

  function start() {
    erase.reset();
    setReason("");
    setMissing(false);
    setOpen(true);
  }
  function submit() {
    if (!trimmed) {
      setMissing(true);
      reasonRef.current?.focus();
      return;
    }
    erase.mutate({ orgId, itemIds: [itemId], reason: trimmed });
  }

  return (
    <>
      <Button variant="danger" onClick={start}>
        <Icon name="trash" className="size-4" />
        Erase from backups
      </Button>
      <FormDialog
        open={open}
        title="Erase this item from the backups?"
        submitLabel="Request erasure"
        dismissLabel="Keep it"
        tone="danger"
        pending={erase.isPending}
        error={dialogError}
        onClose={() => setOpen(false)}
        onSubmit={submit}
      >
        <p>
          <span className="font-medium break-words text-slate-900">{itemName}</span>, every version of it.
        </p>
        <ul className="list-disc space-y-2 pl-5">
          <li>Once approved and after the cooling-off delay, it is hidden everywhere: browsing, search, previews, downloads, restores and exports.</li>
          <li>Its name and metadata are scrubbed from Holdfast&apos;s catalogue; it cannot be brought back.</li>
          <li>
            The encrypted copy in the vault cannot be deleted early. It stays locked, unreadable through Holdfast, until its retention date, and then it is
            deleted.
          </li>
          <li>
            This is a request. Every owner, administrator and guardian is told of it; it runs only once another of them approves it with a fresh code from their
            authenticator app. Until then nothing is hidden, and anyone told of it can cancel it on the Requests page.
          </li>
        </ul>
        <div>
          <label htmlFor={reasonId} className="mb-1.5 block text-sm font-medium text-slate-800">
            Reason <span className="font-normal text-slate-500">(required)</span>
          </label>
          <textarea
            ref={reasonRef}
            id={reasonId}
            value={reason}
            onChange={(e) => {
              setReason(e.target.value);
              if (erase.error) erase.reset();
            }}
            maxLength={REASON_MAX}
            rows={3}
            required
            aria-invalid={reasonError ? true : undefined}
            aria-describedby={`${reasonId}-${reasonError ? "error" : "hint"}`}
            disabled={erase.isPending}
            className={cn(
              "block w-full rounded-lg border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset placeholder:text-slate-400 focus:ring-2 focus:outline-none focus:ring-inset disabled:bg-slate-50",
              reasonError ? "ring-red-400 focus:ring-red-500" : "ring-slate-300 focus:ring-brand-600",
            )}
          />
          {reasonError ? (
            <p id={`${reasonId}-error`} className="mt-1.5 text-sm text-red-700">
              {reasonError}
            </p>
          ) : (
            <p id={`${reasonId}-hint`} className="mt-1.5 text-sm text-slate-500">
              For example, the data-subject request it answers. Shown with the request and kept in the audit log.
            </p>
          )}
        </div>
      </FormDialog>
    </>
  );
}
