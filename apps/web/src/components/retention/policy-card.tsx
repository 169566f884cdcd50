"use client";
// The organisation's retention policy: what it keeps in one paragraph, where it comes from, and
// (for admins) the form to change it. Lengthening applies at once; a shortening becomes a guarded
// request (ADR 0020). The form warns of that before it is sent, with the same comparison the
// service makes (compareRetention), and says so once the request is made.
import type { RetentionPolicy } from "@holdfast/services/retention-policy";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { TextField } from "~/components/ui/field";
import { OptionCard } from "~/components/ui/option-card";
import { RetryAlert } from "~/components/ui/retry-alert";
import { Skeleton } from "~/components/ui/spinner";
import { errorMessage } from "~/lib/errors";
import { RequestedNotice } from "~/components/guard/requested-notice";
import { useTRPC } from "~/trpc/react";
import { checkDraft, describePolicy, draftOf, FOREVER_LABEL, LEAVER_FIELD, POLICY_FIELDS, policyOrigin, samePolicy, shorteningWarning, type NumberFieldSpec, type PolicyDraft } from "./policy-text";

export function PolicyCard({ orgId, canManage }: { orgId: string; canManage: boolean }) {
  const trpc = useTRPC();
  const headingId = useId();
  const view = useQuery(trpc.retention.get.queryOptions({ orgId }));
  return (
    <Card aria-labelledby={headingId}>
      <CardHeader id={headingId} title="Organisation policy" description="How long backups of every source and account are kept, unless a source or account has its own policy." />
      <CardBody className="space-y-6">
        {view.isPending ? (
          <div role="status" aria-busy="true" className="space-y-2">
            <span className="sr-only">Loading the retention policy</span>
            <Skeleton className="h-4 w-full max-w-2xl" />
            <Skeleton className="h-4 w-2/3 max-w-xl" />
            <Skeleton className="h-4 w-40" />
          </div>
        ) : view.isError ? (
          <RetryAlert error={view.error} onRetry={() => void view.refetch()} title="The retention policy could not be loaded" />
        ) : (
          <>
            <div className="max-w-3xl space-y-1">
              <p className="text-base text-slate-900" data-testid="policy-summary">
                {describePolicy(view.data.effective)}
              </p>
              <p className="text-sm text-slate-500">{policyOrigin(view.data.scope)}</p>
            </div>
            <PolicyForm orgId={orgId} current={view.data.effective} canManage={canManage} />
          </>
        )}
      </CardBody>
    </Card>
  );
}

function NumberField({ spec, value, error, disabled, onChange }: { spec: NumberFieldSpec; value: string; error?: string; disabled?: boolean; onChange: (v: string) => void }) {
  return (
    <TextField
      label={spec.label}
      hint={spec.hint}
      error={error}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      type="number"
      inputMode="numeric"
      min={spec.min}
      max={spec.max}
      step={1}
      required
      disabled={disabled}
      name={spec.key}
    />
  );
}

function PolicyForm({ orgId, current, canManage }: { orgId: string; current: RetentionPolicy; canManage: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [draft, setDraft] = useState<PolicyDraft>(() => draftOf(current));
  const noteId = useId();
  const save = useMutation(
    trpc.retention.setPolicy.mutationOptions({
      onSuccess: (saved) => {
        if (saved.outcome === "requested") {
          void qc.invalidateQueries({ queryKey: trpc.guard.list.queryKey({ orgId }) });
          return;
        }
        // The organisation's policy is now the one in force here (no override sits at this level).
        qc.setQueryData(trpc.retention.get.queryKey({ orgId }), (old) => (old ? { ...old, effective: saved.policy, scope: "organization" as const, organization: saved.policy } : old));
        void qc.invalidateQueries({ queryKey: trpc.retention.get.queryKey({ orgId }) });
      },
    }),
  );
  const check = checkDraft(current, draft);
  const shortens = check.ok && (check.comparison === "shorter" || check.comparison === "mixed");
  const canSave = canManage && check.ok && check.comparison !== "same" && !save.isPending;
  const justSaved = save.data?.outcome === "applied" && check.ok && samePolicy(save.data.policy, check.policy);
  const requested = save.data?.outcome === "requested" ? save.data.request : null;
  const set = (patch: Partial<PolicyDraft>) => {
    save.reset();
    setDraft((d) => ({ ...d, ...patch }));
  };

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!canSave || !check.ok) return;
    save.mutate({ orgId, scope: "organization", policy: check.policy });
  }

  const errors = check.ok ? {} : check.errors;
  return (
    <div className="grid grid-cols-1 gap-6 xl:grid-cols-[minmax(0,1fr)_20rem]">
      <form onSubmit={submit} aria-describedby={noteId} className="space-y-5" noValidate>
        <fieldset disabled={!canManage || save.isPending} className="space-y-5">
          <legend className="sr-only">Retention rules</legend>
          <div className="grid grid-cols-1 gap-x-6 gap-y-5 sm:grid-cols-2">
            {POLICY_FIELDS.map((spec) => (
              <NumberField key={spec.key} spec={spec} value={draft[spec.key]} error={errors[spec.key]} disabled={draft.forever} onChange={(v) => set({ [spec.key]: v })} />
            ))}
          </div>
          <OptionCard
            type="checkbox"
            checked={draft.forever}
            onChange={(forever) => set({ forever })}
            label={FOREVER_LABEL}
            help="Each backup is locked for 100 years and the lock is extended before it lapses. The other rules then no longer matter."
          />
          <div className="grid grid-cols-1 gap-x-6 sm:grid-cols-2">
            <NumberField spec={LEAVER_FIELD} value={draft[LEAVER_FIELD.key]} error={errors[LEAVER_FIELD.key]} disabled={draft.forever} onChange={(v) => set({ [LEAVER_FIELD.key]: v })} />
          </div>
        </fieldset>

        {shortens && check.ok && !requested ? (
          <Alert tone="warning" title="A shortening needs a second person's approval">
            {shorteningWarning(current, check.policy)}
          </Alert>
        ) : null}
        {requested ? <RequestedNotice orgId={orgId} request={requested} /> : null}
        {save.isError ? (
          <Alert tone="danger" title="The policy was not saved">
            {errorMessage(save.error)}
          </Alert>
        ) : null}

        <div className="flex flex-wrap items-center justify-end gap-x-4 gap-y-2">
          <p role="status" className="text-sm">
            {justSaved ? <span className="font-medium text-emerald-800">Policy saved</span> : canManage && check.ok && check.comparison === "same" ? <span className="text-slate-500">Change a rule to save a new policy.</span> : null}
          </p>
          {canManage ? (
            <Button type="submit" disabled={!canSave} loading={save.isPending}>
              Save policy
            </Button>
          ) : (
            <p className="text-sm text-slate-500">Only an admin or owner can change retention.</p>
          )}
        </div>
      </form>

      <div id={noteId} className="space-y-3 rounded-lg bg-slate-50 p-4 text-sm text-slate-600 ring-1 ring-slate-200 ring-inset xl:self-start">
        <p className="font-medium text-slate-900">Lock dates never move earlier</p>
        <p>Every backup&apos;s lock date is fixed when it is taken and cannot be brought forward by anyone, including Holdfast staff.</p>
        <p>A new policy applies to backups taken from then on. Lengthening applies at once; a shortening becomes a request that another owner, administrator or guardian must approve, and applies only after the cooling-off delay.</p>
      </div>
    </div>
  );
}
