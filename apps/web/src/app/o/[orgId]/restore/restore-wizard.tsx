"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useId, useMemo, useState, type ReactNode } from "react";
import type { ExportFormat, Unit } from "@holdfast/services";
import { unitName, useUnitDirectory } from "~/components/jobs/use-unit-directory";
import { Icon } from "~/components/icons";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button, ButtonLink } from "~/components/ui/button";
import { Card, CardBody, CardHeader, PageHeader } from "~/components/ui/card";
import { ConfirmDialog } from "~/components/ui/confirm-dialog";
import { EmptyState } from "~/components/ui/empty-state";
import { SelectField, TextField } from "~/components/ui/field";
import { LocalTime, useTimeZoneName } from "~/components/ui/local-time";
import { ListSkeleton, Skeleton } from "~/components/ui/spinner";
import { RetryAlert } from "~/components/ui/retry-alert";
import { OptionCard } from "~/components/ui/option-card";
import { errorMessage } from "~/lib/errors";
import { formatDateTime } from "~/lib/format";
import {
  defaultCopyFolder,
  EXPORT_FORMAT_LABEL,
  exportFormatsFor,
  fromLocalInput,
  isWholeUnit,
  reviewSentence,
  startLabel,
  toLocalInput,
  wizardHref,
  type Conflict,
  type WizardQuery,
} from "~/lib/jobs";
import { PROVIDER_LABEL, UNIT_KIND_LABEL } from "~/lib/sources";
import { useTRPC } from "~/trpc/react";

export type WizardState = WizardQuery & { unitId: string; asOf: string };

const SNAPSHOTS_SHOWN = 8;

const CONFLICTS: { value: Conflict; label: string; help: string }[] = [
  { value: "skip", label: "Skip it", help: "The item in the account is left exactly as it is, and the report lists it as skipped." },
  { value: "copy", label: "Keep both", help: "The backed-up version is written into a separate copy folder; nothing in the account is overwritten." },
  { value: "replace", label: "Replace it", help: "The account's current version is replaced by the backed-up one; the current version is lost unless a later backup holds it." },
];

/** One radio with its own short name and a sentence that describes it (not part of the name). */
function Radio({ name, value, checked, onChange, label, help, disabled }: { name: string; value: string; checked: boolean; onChange: (v: string) => void; label: string; help: ReactNode; disabled?: boolean }) {
  return <OptionCard type="radio" name={name} value={value} checked={checked} disabled={disabled} onChange={() => onChange(value)} label={label} help={help} />;
}

function RadioGroup({ label, children, description }: { label: string; children: ReactNode; description?: ReactNode }) {
  const id = useId();
  return (
    <div role="radiogroup" aria-labelledby={id} className="space-y-2">
      <p id={id} className="text-sm font-medium text-slate-800">
        {label}
      </p>
      {description ? <p className="text-sm text-slate-500">{description}</p> : null}
      <div className="grid gap-2">{children}</div>
    </div>
  );
}

function Section({ title, description, children }: { title: string; description?: ReactNode; children: ReactNode }) {
  const id = useId();
  return (
    <Card aria-labelledby={id}>
      <CardHeader id={id} title={title} description={description} />
      <CardBody className="space-y-4">{children}</CardBody>
    </Card>
  );
}

function Snapshots({ orgId, unitId, asOf, onPick }: { orgId: string; unitId: string; asOf: string; onPick: (iso: string) => void }) {
  const trpc = useTRPC();
  const snapshots = useQuery(trpc.catalogue.snapshots.queryOptions({ orgId, unitId, limit: 50 }));
  if (snapshots.isPending) return <Skeleton className="h-8 w-full" />;
  if (snapshots.isError) return <Alert tone="danger">The backups of this account could not be listed: {errorMessage(snapshots.error)}</Alert>;
  const committed = snapshots.data.items.filter((s): s is typeof s & { committedAt: string } => s.committedAt !== null).slice(0, SNAPSHOTS_SHOWN);
  if (committed.length === 0) {
    return (
      <Alert tone="warning" title="No finished backup of this account yet">
        There is nothing to restore until a backup of it has completed.
      </Alert>
    );
  }
  return (
    <div>
      <p className="text-sm font-medium text-slate-800">Recent backups</p>
      <ul className="mt-2 flex flex-wrap gap-2" aria-label="Recent backups">
        {committed.map((s) => {
          const current = Date.parse(s.committedAt) === Date.parse(asOf);
          return (
            <li key={s.id}>
              <Button size="sm" variant={current ? "primary" : "secondary"} aria-pressed={current} onClick={() => onPick(s.committedAt)}>
                Backup at <LocalTime iso={s.committedAt} />
              </Button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function What({ state, unit, sourceName }: { state: WizardState; unit: Unit; sourceName: string | undefined }) {
  const whole = isWholeUnit(state);
  const name = unitName(unit);
  return (
    <Section title="What" description={sourceName ? `${UNIT_KIND_LABEL[unit.kind]} in ${sourceName}` : UNIT_KIND_LABEL[unit.kind]}>
      <p className="flex flex-wrap items-center gap-2 text-base font-medium text-slate-900" data-testid="selection-summary">
        <Badge>{UNIT_KIND_LABEL[unit.kind]}</Badge>
        {whole
          ? `Everything in ${name}`
          : [state.items.length ? `${state.items.length} ${state.items.length === 1 ? "item" : "items"}` : null, state.paths.length ? `${state.paths.length} ${state.paths.length === 1 ? "folder" : "folders"}` : null]
              .filter(Boolean)
              .join(", ")}
      </p>
      {!whole ? <p className="text-sm text-slate-600">From {name}{state.paths.length ? ", with everything inside each folder:" : "."}</p> : null}
      {!whole && state.paths.length ? (
        <ul className="space-y-1 text-sm text-slate-700" aria-label="Folders">
          {state.paths.map((p) => (
            <li key={p} className="flex items-center gap-2 break-all">
              <Icon name="folder" className="size-4 shrink-0 text-slate-400" />
              {p}
            </li>
          ))}
        </ul>
      ) : null}
    </Section>
  );
}

/**
 * The other active units of the same source and kind, which a member may restore into. Read only
 * for members: a self-service restore goes back to the person's own account (ADR 0016).
 */
function useRestoreTargets(orgId: string, unit: Unit | undefined, enabled: boolean) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  return useQuery({
    queryKey: ["holdfast", "restore-targets", orgId, unit?.sourceId, unit?.kind],
    enabled: enabled && !!unit,
    staleTime: 60_000,
    queryFn: async (): Promise<Unit[]> => {
      if (!unit) return [];
      const units: Unit[] = [];
      let cursor: string | undefined;
      do {
        const page = await qc.fetchQuery(trpc.sources.units.queryOptions({ orgId, id: unit.sourceId, page: { kind: unit.kind, limit: 500, ...(cursor ? { cursor } : {}) } }));
        units.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return units;
    },
  });
}

export function RestoreWizard({ orgId, initial, canRestore, roleLabel, selfService = false }: { orgId: string; initial: WizardState; canRestore: boolean; roleLabel: string; selfService?: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const tz = useTimeZoneName();
  const dir = useUnitDirectory(orgId, { unitIds: [initial.unitId] });
  // A link may ask for "another user's account"; self-service cannot restore there, so it starts at the original place.
  const [state, setState] = useState<WizardState>(() => (selfService && initial.to === "unit" ? { ...initial, to: "original", target: null } : initial));
  const [asOfInput, setAsOfInput] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const set = (patch: Partial<WizardState>) => setState((s) => ({ ...s, ...patch }));

  // The choices live in the address bar too, so a reload (or a shared link) comes back to them.
  const href = wizardHref(orgId, state);
  useEffect(() => {
    if (`${window.location.pathname}${window.location.search}` !== href) window.history.replaceState(null, "", href);
  }, [href]);

  const unit = dir.data?.unit(state.unitId);
  const source = dir.data?.source(unit?.sourceId);
  const targets = useRestoreTargets(orgId, unit, !selfService);
  const siblings = useMemo(
    () => (unit && targets.data ? targets.data.filter((u) => u.id !== unit.id && u.sourceId === unit.sourceId && u.kind === unit.kind && u.state === "active") : []),
    [targets.data, unit],
  );
  const formats = unit ? exportFormatsFor(unit.kind) : [];
  const format: ExportFormat | null = state.format && formats.includes(state.format) ? state.format : (formats[0] ?? null);
  const target = state.to === "unit" ? (siblings.find((u) => u.id === state.target) ?? siblings[0] ?? null) : null;
  const copyFolder = state.copyFolder ?? defaultCopyFolder(state.asOf);
  const mode = state.to === "download" ? "export" : "restore";
  const title = mode === "export" ? "Export" : "Restore";

  const onDone = (jobId: string) => router.push(`/o/${orgId}/jobs/${jobId}`);
  const restore = useMutation(trpc.catalogue.restores.request.mutationOptions({ onSuccess: (res) => onDone(res.jobId) }));
  const exporting = useMutation(trpc.exports.request.mutationOptions({ onSuccess: (res) => onDone(res.id) }));
  const pending = restore.isPending || exporting.isPending || restore.isSuccess || exporting.isSuccess;
  const error = restore.error ?? exporting.error;

  const selection = { ...(state.items.length ? { items: state.items } : {}), ...(state.paths.length ? { paths: state.paths } : {}) };
  function start() {
    setConfirming(false);
    restore.reset();
    exporting.reset();
    if (mode === "export") {
      if (!format) return;
      exporting.mutate({ orgId, unitId: state.unitId, ...selection, asOf: state.asOf, format });
      return;
    }
    const folder = copyFolder.trim();
    restore.mutate({
      orgId,
      unitId: state.unitId,
      ...selection,
      asOf: state.asOf,
      target: target ? { kind: "unit", unitId: target.id } : { kind: "original" },
      conflict: state.conflict,
      ...((state.conflict === "copy" || target) && folder ? { copyFolder: folder } : {}),
    });
  }

  const header = <PageHeader title={title} description="Choose the point in time and where the items go, check the summary, and start. You can follow it on the job's page." />;

  if (dir.isPending) {
    return (
      <>
        {header}
        <Card>
          <ListSkeleton rows={4} label="Loading the account" />
        </Card>
      </>
    );
  }
  if (dir.isError) {
    return (
      <>
        {header}
        <RetryAlert error={dir.error} onRetry={() => void dir.refetch()} />
      </>
    );
  }
  if (!unit) {
    return (
      <>
        {header}
        <Card>
          <EmptyState icon="database" title="This account does not exist" actions={<ButtonLink href={`/o/${orgId}/browse`} variant="secondary">Browse backups</ButtonLink>}>
            It may have been removed, or it belongs to another organisation.
          </EmptyState>
        </Card>
      </>
    );
  }

  const name = unitName(unit);
  const asOfText = formatDateTime(state.asOf);
  const sentence = reviewSentence({
    mode,
    items: state.items.length,
    paths: state.paths,
    unitName: name,
    asOfText,
    to: state.to,
    targetName: target ? unitName(target) : null,
    formatLabel: format ? EXPORT_FORMAT_LABEL[format] : null,
    conflict: state.conflict,
    copyFolder: state.conflict === "copy" || target ? copyFolder : null,
  });
  const blocked = !canRestore || (mode === "export" && !format) || (state.to === "unit" && !target) || ((state.conflict === "copy" || !!target) && mode === "restore" && !copyFolder.trim());

  return (
    <>
      {header}
      <div className="space-y-6">
        <What state={state} unit={unit} sourceName={source ? `${source.displayName} (${PROVIDER_LABEL[source.provider]})` : undefined} />

        <Section title="Point in time" description={<>Each item comes back as it was at this moment. Times are in {tz}.</>}>
          <p className="text-sm text-slate-700">
            As it was on{" "}
            <span className="font-semibold text-slate-900" data-testid="restore-as-of">
              <LocalTime iso={state.asOf} seconds />
            </span>
          </p>
          <TextField
            label="Restore as of"
            type="datetime-local"
            step={1}
            className="max-w-xs"
            value={asOfInput ?? toLocalInput(state.asOf)}
            onChange={(e) => {
              setAsOfInput(e.target.value);
              const iso = fromLocalInput(e.target.value);
              if (iso) set({ asOf: iso });
            }}
            onBlur={() => setAsOfInput(null)}
            hint="Or pick one of the account's recent backups."
          />
          <Snapshots
            orgId={orgId}
            unitId={unit.id}
            asOf={state.asOf}
            onPick={(iso) => {
              setAsOfInput(null);
              set({ asOf: iso });
            }}
          />
        </Section>

        <Section title="Where to">
          <RadioGroup label="Restore to" description={selfService ? "Self-service restores go back to your own account, or download as a file." : undefined}>
            <Radio name="to" value="original" checked={state.to === "original"} onChange={() => set({ to: "original", mode: "restore" })} label="Original location" help={`Back into ${name}, where each item was.`} />
            {selfService ? null : (
              <Radio
                name="to"
                value="unit"
                checked={state.to === "unit"}
                onChange={() => set({ to: "unit", mode: "restore", target: state.target ?? siblings[0]?.id ?? null })}
                label="Another user's account"
                disabled={siblings.length === 0}
                help={
                  targets.isPending
                    ? "Looking for the other accounts of this source…"
                    : targets.isError
                      ? `The other accounts could not be listed: ${errorMessage(targets.error)}`
                      : siblings.length === 0
                        ? `There is no other ${UNIT_KIND_LABEL[unit.kind].toLowerCase()} in this source to restore into.`
                        : `Into another ${UNIT_KIND_LABEL[unit.kind].toLowerCase()} of the same source, in a folder of its own.`
                }
              />
            )}
            <Radio name="to" value="download" checked={state.to === "download"} onChange={() => set({ to: "download", mode: "export" })} label="Download as a file" help="An archive you download from the job's page; nothing in any account changes." />
          </RadioGroup>
          {state.to === "unit" ? (
            <SelectField label="Target account" value={target?.id ?? ""} onChange={(e) => set({ target: e.target.value })} className="max-w-md">
              {siblings.map((u) => (
                <option key={u.id} value={u.id}>
                  {unitName(u)}
                </option>
              ))}
            </SelectField>
          ) : null}
          {state.to === "download" ? (
            <SelectField label="Export format" value={format ?? ""} onChange={(e) => set({ format: e.target.value as ExportFormat })} className="max-w-md">
              {formats.map((f) => (
                <option key={f} value={f}>
                  {EXPORT_FORMAT_LABEL[f]}
                </option>
              ))}
            </SelectField>
          ) : null}
        </Section>

        {mode === "restore" ? (
          <Section title="If an item already exists">
            <RadioGroup label="If an item already exists" description="What happens when the account already holds the item being restored.">
              {CONFLICTS.map((c) => (
                <Radio key={c.value} name="conflict" value={c.value} checked={state.conflict === c.value} onChange={() => set({ conflict: c.value })} label={c.label} help={c.help} />
              ))}
            </RadioGroup>
            {state.conflict === "copy" || target ? (
              <TextField
                label="Copy folder"
                value={copyFolder}
                maxLength={255}
                onChange={(e) => set({ copyFolder: e.target.value })}
                error={copyFolder.trim() ? null : "Name the folder the copies go into"}
                hint={target ? `Items restored into ${unitName(target)} go into this folder.` : "Copies are written into this folder, beside the originals."}
                className="max-w-xl"
              />
            ) : null}
          </Section>
        ) : null}

        <Section title="Review">
          <p className="text-base text-slate-900" data-testid="review-sentence">
            {sentence}
          </p>
          {!canRestore ? (
            <Alert tone="warning" title={`Your role (${roleLabel}) cannot start ${mode === "export" ? "exports" : "restores"}`}>
              Viewers can browse backups but not bring data back. Ask an operator, admin or owner of this organisation to do it, or to give you the operator role.
            </Alert>
          ) : null}
          {error ? <Alert tone="danger">{errorMessage(error)}</Alert> : null}
          <div className="flex flex-wrap items-center gap-3">
            <Button size="lg" disabled={blocked} loading={pending} onClick={() => (mode === "restore" && state.conflict === "replace" ? setConfirming(true) : start())}>
              <Icon name={mode === "export" ? "download" : "restore"} className="size-4" />
              {startLabel(mode)}
            </Button>
            <ButtonLink href={`/o/${orgId}/browse/${unit.id}?asOf=${encodeURIComponent(state.asOf)}`} variant="ghost">
              Back to browsing
            </ButtonLink>
          </div>
        </Section>
      </div>
      <ConfirmDialog
        open={confirming}
        title="Replace existing items?"
        confirmLabel="Replace and restore"
        onConfirm={start}
        onCancel={() => setConfirming(false)}
      >
        Where {target ? unitName(target) : name} already holds an item being restored, its current version is replaced by the version backed up as of {asOfText}. This cannot be undone from here.
      </ConfirmDialog>
    </>
  );
}
