"use client";
// Legal holds: while one is in place nothing it covers expires, whatever the policy says. Placing
// one only adds protection, so it applies at once; releasing one takes protection away, so it
// becomes a guarded request (ADR 0020: a second person's approval, then the cooling-off delay) and
// the hold stays active until that request runs.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useMemo, useState, type FormEvent } from "react";
import { unitName, useUnitDirectory } from "~/components/jobs/use-unit-directory";
import { RequestedNotice } from "~/components/guard/requested-notice";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { ConfirmDialog, mutationDialogProps } from "~/components/ui/confirm-dialog";
import { EmptyState } from "~/components/ui/empty-state";
import { SelectField, TextField } from "~/components/ui/field";
import { LocalTime } from "~/components/ui/local-time";
import { QueryStates } from "~/components/ui/query-states";
import { RetryAlert } from "~/components/ui/retry-alert";
import { OptionCard } from "~/components/ui/option-card";
import { unitMatches } from "~/lib/catalogue";
import { errorMessage, fieldErrorsOf } from "~/lib/errors";
import { UNIT_KIND_LABEL } from "~/lib/sources";
import { useTRPC } from "~/trpc/react";

const RELEASE_EXPLANATION =
  "Releasing a hold is a request: another owner, administrator or guardian must approve it, and it runs only after the cooling-off delay. Until then the hold stays in place.";

type Hold = { id: string; unitId: string | null; unitName: string | null };

/** What a hold covers, as its row and its Release button name it. */
function holdTarget(h: Hold): string {
  return h.unitId === null ? "Whole organisation" : (h.unitName ?? "An account no longer listed");
}

const REASON_MAX = 2000;

export function LegalHoldsCard({ orgId, canManage }: { orgId: string; canManage: boolean }) {
  const trpc = useTRPC();
  const headingId = useId();
  const releaseNoteId = useId();
  const qc = useQueryClient();
  const holds = useQuery(trpc.retention.legalHolds.list.queryOptions({ orgId }));
  const [releasing, setReleasing] = useState<Hold | null>(null);
  const release = useMutation(
    trpc.retention.legalHolds.release.mutationOptions({
      onSuccess: async () => {
        setReleasing(null);
        await Promise.all([qc.invalidateQueries({ queryKey: trpc.retention.legalHolds.list.queryKey({ orgId }) }), qc.invalidateQueries({ queryKey: trpc.guard.list.queryKey({ orgId }) })]);
      },
    }),
  );
  return (
    <Card aria-labelledby={headingId}>
      <CardHeader
        id={headingId}
        title="Legal holds"
        description="While a hold is in place, nothing it covers expires, whatever the retention policy says: for litigation, an investigation or an audit."
      />
      <CardBody className="border-b border-slate-100">
        {canManage ? <PlaceHoldForm orgId={orgId} /> : <p className="text-sm text-slate-500">Only an admin or owner can place a legal hold.</p>}
      </CardBody>
      <QueryStates
        query={holds}
        loading="Loading the legal holds"
        rows={2}
        retry
        isEmpty={(list) => list.length === 0}
        empty={
          <EmptyState icon="lock" title="No legal holds">
            Backups expire by the retention policy alone.
          </EmptyState>
        }
      >
        {(list) => (
          <>
            <ul aria-label="Legal holds" className="divide-y divide-slate-100">
              {list.map((h) => (
                <li key={h.id} className="grid grid-cols-1 gap-x-6 gap-y-2 px-4 py-4 sm:grid-cols-[minmax(0,1fr)_auto] sm:items-start sm:px-6">
                  <div className="min-w-0 space-y-1">
                    <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-slate-900">
                      <span className="break-words">{holdTarget(h)}</span>
                      {h.active ? <Badge tone="warning">Active</Badge> : <Badge>Released</Badge>}
                    </p>
                    <p className="text-sm break-words whitespace-pre-line text-slate-700">{h.reason}</p>
                    <p className="text-sm text-slate-500">
                      Placed <LocalTime iso={h.placedAt} />
                      {h.releasedAt ? (
                        <>
                          {" "}
                          · released <LocalTime iso={h.releasedAt} />
                        </>
                      ) : null}
                    </p>
                  </div>
                  {h.active && canManage ? (
                    <Button variant="secondary" size="sm" onClick={() => (release.reset(), setReleasing(h))} aria-label={`Release hold: ${holdTarget(h)}`} aria-describedby={releaseNoteId}>
                      Release
                    </Button>
                  ) : null}
                </li>
              ))}
            </ul>
            {release.isSuccess && !releasing ? (
              <div className="border-t border-slate-100 px-4 py-3 sm:px-6">
                <RequestedNotice orgId={orgId} request={release.data} />
              </div>
            ) : null}
            {list.some((h) => h.active) ? (
              <p id={releaseNoteId} className="border-t border-slate-100 px-4 py-3 text-sm text-slate-500 sm:px-6">
                {RELEASE_EXPLANATION}
              </p>
            ) : null}
          </>
        )}
      </QueryStates>
      <ConfirmDialog
        open={releasing !== null}
        title="Release this legal hold?"
        confirmLabel="Request release"
        {...mutationDialogProps(release, () => setReleasing(null))}
        onConfirm={() => releasing && release.mutate({ orgId, id: releasing.id })}
      >
        <p>
          {releasing ? `${holdTarget(releasing)}: ` : ""}once released, backups it covers expire by the retention policy again. {RELEASE_EXPLANATION}
        </p>
      </ConfirmDialog>
    </Card>
  );
}

type AppliesTo = "organisation" | "unit";

function PlaceHoldForm({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const groupId = useId();
  const [appliesTo, setAppliesTo] = useState<AppliesTo>("organisation");
  const [unitId, setUnitId] = useState("");
  const [reason, setReason] = useState("");
  const [placedFor, setPlacedFor] = useState<string | null>(null);
  const place = useMutation(
    trpc.retention.legalHolds.place.mutationOptions({
      onSuccess: async () => {
        setReason("");
        setUnitId("");
        await Promise.all([qc.invalidateQueries({ queryKey: trpc.retention.legalHolds.list.queryKey({ orgId }) }), qc.invalidateQueries({ queryKey: trpc.retention.get.queryKey() })]);
      },
    }),
  );
  const fields = fieldErrorsOf(place.error);
  const reasonMissing = reason.trim() === "";
  const unitMissing = appliesTo === "unit" && unitId === "";

  function submit(e: FormEvent) {
    e.preventDefault();
    if (reasonMissing || unitMissing) return;
    setPlacedFor(appliesTo === "organisation" ? "the whole organisation" : "the account");
    place.mutate({ orgId, reason: reason.trim(), ...(appliesTo === "unit" ? { unitId } : {}) });
  }

  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      <fieldset disabled={place.isPending} className="space-y-4">
        <legend className="sr-only">Place a legal hold</legend>
        <div role="radiogroup" aria-labelledby={groupId} className="space-y-2">
          <p id={groupId} className="text-sm font-medium text-slate-800">
            Applies to
          </p>
          <div className="grid gap-2 sm:grid-cols-2">
            <OptionCard type="radio" name="applies-to" value="organisation" checked={appliesTo === "organisation"} onChange={() => setAppliesTo("organisation")} label="Whole organisation" help="Every backup of every source and account." />
            <OptionCard type="radio" name="applies-to" value="unit" checked={appliesTo === "unit"} onChange={() => setAppliesTo("unit")} label="One account" help="Every backup of one mailbox, drive, site or other account." />
          </div>
        </div>
        {appliesTo === "unit" ? <UnitChoice orgId={orgId} value={unitId} onChange={setUnitId} error={fields.unitId} /> : null}
        <TextField
          label="Reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={REASON_MAX}
          required
          autoComplete="off"
          placeholder="e.g. Litigation 2026-17, preserve all mail"
          hint="Shown to every member and kept in the audit log."
          error={fields.reason}
        />
      </fieldset>
      {place.isError && !fields.reason && !fields.unitId ? (
        <Alert tone="danger" title="The legal hold was not placed">
          {errorMessage(place.error)}
        </Alert>
      ) : null}
      <div className="flex flex-wrap items-center justify-end gap-x-4 gap-y-2">
        <p role="status" className="text-sm">
          {place.isSuccess && placedFor ? <span className="font-medium text-emerald-800">Legal hold placed on {placedFor}</span> : null}
        </p>
        <Button type="submit" disabled={reasonMissing || unitMissing} loading={place.isPending}>
          Place legal hold
        </Button>
      </div>
    </form>
  );
}


/** Every account of every source, narrowed by a filter box (a large directory has thousands). */
function UnitChoice({ orgId, value, onChange, error }: { orgId: string; value: string; onChange: (id: string) => void; error?: string }) {
  const directory = useUnitDirectory(orgId);
  const [filter, setFilter] = useState("");
  const groups = useMemo(() => {
    const d = directory.data;
    if (!d) return [];
    return d.sources
      .map((s) => ({
        source: s,
        units: d.units
          .filter((u) => u.sourceId === s.id && (u.id === value || unitMatches(u, filter, UNIT_KIND_LABEL[u.kind])))
          .toSorted((a, b) => unitName(a).localeCompare(unitName(b))),
      }))
      .filter((g) => g.units.length > 0);
  }, [directory.data, filter, value]);

  if (directory.isError) return <RetryAlert error={directory.error} onRetry={() => void directory.refetch()} title="The accounts could not be listed" />;
  if (directory.isSuccess && directory.data.units.length === 0) {
    return (
      <Alert tone="info" title="No accounts yet">
        Connect a source first: its mailboxes, drives and sites are listed here once they are discovered.
      </Alert>
    );
  }
  const shown = groups.reduce((n, g) => n + g.units.length, 0);
  return (
    <div className="grid grid-cols-1 gap-4 sm:grid-cols-[minmax(0,16rem)_minmax(0,1fr)] sm:items-start">
      <TextField label="Filter accounts" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} disabled={!directory.isSuccess} autoComplete="off" placeholder="Name or email" />
      <SelectField
        label="Account"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        disabled={!directory.isSuccess}
        required
        error={error}
        hint={directory.isSuccess ? (filter.trim() ? `${shown} of ${directory.data.units.length} accounts match` : `${directory.data.units.length} accounts`) : undefined}
        aria-busy={directory.isPending || undefined}
      >
        <option value="">{directory.isPending ? "Loading accounts…" : shown === 0 ? "No account matches the filter" : "Choose an account"}</option>
        {groups.map((g) => (
          <optgroup key={g.source.id} label={g.source.displayName}>
            {g.units.map((u) => (
              <option key={u.id} value={u.id}>
                {unitName(u)} · {UNIT_KIND_LABEL[u.kind]}
              </option>
            ))}
          </optgroup>
        ))}
      </SelectField>
    </div>
  );
}
