"use client";
// End-user self-service (ADR 0016): whether people in the protected directories may sign in with
// that account and get their own data back. Saved the moment it is switched, and it applies on the
// next request of every self-service person (access is resolved per request, never cached).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId } from "react";
import { Alert } from "~/components/ui/alert";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { Skeleton } from "~/components/ui/spinner";
import { Switch } from "~/components/ui/switch";
import { RetryAlert } from "~/components/ui/retry-alert";
import { errorMessage } from "~/lib/errors";
import { useTRPC } from "~/trpc/react";

const SWITCH_LABEL = "Let people restore their own data";

function statusText(enabled: boolean): string {
  return enabled ? "Self-service is on" : "Self-service is off";
}

export function SelfServiceCard({ orgId, canManage }: { orgId: string; canManage: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const headingId = useId();
  const statusId = useId();
  const setting = useQuery(trpc.organization.selfService.queryOptions({ orgId }));
  const save = useMutation(
    trpc.organization.setSelfService.mutationOptions({
      onSuccess: (saved) => qc.setQueryData(trpc.organization.selfService.queryKey({ orgId }), saved),
    }),
  );
  // While saving, the switch shows where it is going; on failure it falls back to what is stored.
  const enabled = (save.isPending ? save.variables.enabled : setting.data?.enabled) ?? false;

  return (
    <Card aria-labelledby={headingId}>
      <CardHeader id={headingId} title="End-user self-service" />
      <CardBody className="space-y-5">
        <div className="max-w-2xl space-y-2 text-sm text-slate-600">
          <p>
            People in the Google Workspace or Microsoft 365 directories you protect can sign in to Holdfast with that same work account, and find, restore or
            download their own backed-up mail and files. Nothing else: they never see anyone else&apos;s data, your sources, members, API keys or settings, and
            they can restore only into their own account.
          </p>
          <p>Admins are not created this way. Signing in like this never makes anyone a member of this organisation; invite members from the Members page.</p>
          <p>Turning it off applies at once, including to people who are signed in right now.</p>
        </div>

        {setting.isPending ? (
          <div className="flex items-center justify-between gap-4 rounded-lg p-4 ring-1 ring-slate-200" aria-busy="true">
            <span className="sr-only" role="status">
              Loading the self-service setting
            </span>
            <div className="flex-1 space-y-2">
              <Skeleton className="h-4 w-64 max-w-full" />
              <Skeleton className="h-4 w-32" />
            </div>
            <Skeleton className="h-6 w-11 rounded-full" />
          </div>
        ) : setting.isError ? (
          <RetryAlert error={setting.error} onRetry={() => void setting.refetch()} title="The self-service setting could not be loaded" />
        ) : (
          <div className="flex flex-wrap items-center justify-between gap-4 rounded-lg p-4 ring-1 ring-slate-200">
            <div className="min-w-0 flex-1">
              <p className="text-sm font-medium text-slate-900" aria-hidden="true">
                {SWITCH_LABEL}
              </p>
              <p id={statusId} role="status" className="mt-0.5 text-sm text-slate-600">
                {/* Only what the server has stored is announced as on/off, so the words never run ahead of the save. */}
                {save.isPending ? "Saving…" : statusText(setting.data.enabled)}
              </p>
            </div>
            <Switch
              checked={enabled}
              onChange={(next) => save.mutate({ orgId, enabled: next })}
              label={SWITCH_LABEL}
              disabled={!canManage}
              pending={save.isPending}
            />
          </div>
        )}

        {!canManage && setting.isSuccess ? <p className="text-sm text-slate-500">Only an admin or owner can change this.</p> : null}
        {save.isError ? (
          <Alert tone="danger" title="The change was not saved">
            {errorMessage(save.error)}
          </Alert>
        ) : null}
      </CardBody>
    </Card>
  );
}
