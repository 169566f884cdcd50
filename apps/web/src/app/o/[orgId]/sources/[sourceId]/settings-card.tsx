"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useMemo, useState, type FormEvent } from "react";
import type { SourceDetail } from "@holdfast/services";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { SelectField, TextField } from "~/components/ui/field";
import { Switch } from "~/components/ui/switch";
import { errorMessage } from "~/lib/errors";
import { describeSchedule, scheduleTimes, TIMES_PER_DAY } from "~/lib/sources";
import { useTRPC } from "~/trpc/react";

function timeZones(current: string): string[] {
  const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const zones = new Set(["UTC", ...all]);
  zones.add(current);
  return [...zones];
}

/**
 * The source's own settings: its name, when backups run, and whether units found later are
 * protected at once. Admins change them; everyone else sees them read-only.
 */
export function SettingsCard({ orgId, source, canManage }: { orgId: string; source: SourceDetail; canManage: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [name, setName] = useState(source.displayName);
  const [timesPerDay, setTimesPerDay] = useState(source.schedule.timesPerDay);
  const [timezone, setTimezone] = useState(source.schedule.timezone);
  const [jitter, setJitter] = useState(source.schedule.jitterMinutes);
  const [paused, setPaused] = useState(source.schedule.paused);
  const [autoProtect, setAutoProtect] = useState(source.autoProtectNewUnits);
  const zones = useMemo(() => timeZones(source.schedule.timezone), [source.schedule.timezone]);
  const statusId = useId();
  const save = useMutation(
    trpc.sources.update.mutationOptions({
      onSuccess: (updated) => {
        qc.setQueryData(trpc.sources.get.queryKey({ orgId, id: source.id }), updated);
        void qc.invalidateQueries({ queryKey: trpc.sources.list.queryKey({ orgId }) });
      },
    }),
  );
  const dirty =
    name.trim() !== source.displayName ||
    timesPerDay !== source.schedule.timesPerDay ||
    timezone !== source.schedule.timezone ||
    jitter !== source.schedule.jitterMinutes ||
    paused !== source.schedule.paused ||
    autoProtect !== source.autoProtectNewUnits;

  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate({
      orgId,
      id: source.id,
      changes: {
        ...(name.trim() !== source.displayName ? { displayName: name.trim() } : {}),
        schedule: { timesPerDay, timezone, jitterMinutes: jitter, paused },
        autoProtectNewUnits: autoProtect,
      },
    });
  }

  const times = scheduleTimes(timesPerDay);
  return (
    <Card aria-labelledby="settings-heading">
      <CardHeader id="settings-heading" title="Settings" description={canManage ? "When this source is backed up, and what happens to units found later." : "Only an admin can change these."} />
      <CardBody>
        <form onSubmit={submit} aria-describedby={statusId} className="space-y-6">
          <fieldset disabled={!canManage || save.isPending} className="grid grid-cols-1 gap-x-6 gap-y-5 md:grid-cols-2">
            <TextField label="Source name" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} required error={name.trim() === "" ? "A source needs a name" : null} />
            <SelectField label="Backups per day" value={String(timesPerDay)} onChange={(e) => setTimesPerDay(Number(e.target.value))} hint={describeSchedule({ timesPerDay, timezone })}>
              {TIMES_PER_DAY.map((n) => (
                <option key={n} value={n}>
                  {n === 1 ? "Once a day" : `${n} times a day (every ${24 / n} h)`}
                </option>
              ))}
            </SelectField>
            <SelectField label="Time zone of the schedule" value={timezone} onChange={(e) => setTimezone(e.target.value)} hint={`Runs start at ${times.join(", ")} in this zone.`}>
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </SelectField>
            <SelectField label="Spread start times by up to" value={String(jitter)} onChange={(e) => setJitter(Number(e.target.value))} hint="Sources start at slightly different times so providers are not asked for everything at once.">
              {[0, 15, 30, 60, 120].map((m) => (
                <option key={m} value={m}>
                  {m === 0 ? "No spread" : `${m} minutes`}
                </option>
              ))}
            </SelectField>
            <div className="flex items-start justify-between gap-4 md:col-span-2">
              <div>
                <p className="text-sm font-medium text-slate-800">Pause scheduled backups</p>
                <p className="text-sm text-slate-500">
                  {paused ? "No backups run on schedule while paused: the recovery point grows older. “Back up now” still works." : "Backups run on the schedule above."}
                </p>
              </div>
              <Switch checked={paused} onChange={setPaused} label="Pause scheduled backups" disabled={!canManage || save.isPending} />
            </div>
            <div className="flex items-start justify-between gap-4 md:col-span-2">
              <div>
                <p className="text-sm font-medium text-slate-800">Protect new units automatically</p>
                <p className="text-sm text-slate-500">
                  {autoProtect ? "Users, mailboxes and sites found by later discoveries are backed up at once." : "Units found later start excluded until someone includes them."}
                </p>
              </div>
              <Switch checked={autoProtect} onChange={setAutoProtect} label="Protect new units automatically" disabled={!canManage || save.isPending} />
            </div>
          </fieldset>
          {paused && !source.schedule.paused ? (
            <Alert tone="warning">While the schedule is paused nothing new is backed up; data deleted in the meantime cannot be restored.</Alert>
          ) : null}
          <div id={statusId} aria-live="polite" className="text-sm">
            {save.error ? <Alert tone="danger">{errorMessage(save.error)}</Alert> : save.isSuccess && !dirty ? <p className="text-green-800">Settings saved.</p> : null}
          </div>
          {canManage ? (
            <div className="flex justify-end">
              <Button type="submit" disabled={!dirty || name.trim() === ""} loading={save.isPending}>
                Save settings
              </Button>
            </div>
          ) : null}
        </form>
      </CardBody>
    </Card>
  );
}
