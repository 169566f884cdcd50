"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type FormEvent } from "react";
import type { ApiKey, Role } from "@holdfast/services";
import { Icon } from "~/components/icons";
import { Alert } from "~/components/ui/alert";
import { Badge, RoleBadge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { ConfirmDialog, mutationDialogProps } from "~/components/ui/confirm-dialog";
import { EmptyState } from "~/components/ui/empty-state";
import { SelectField, TextField } from "~/components/ui/field";
import { LocalTime } from "~/components/ui/local-time";
import { QueryStates } from "~/components/ui/query-states";
import { ShownOnceField } from "~/components/ui/shown-once-field";
import { formText } from "~/lib/form";
import { errorMessage, fieldErrorsOf } from "~/lib/errors";
import { assignableRoles, ROLE_DESCRIPTION, ROLE_LABEL } from "~/lib/roles";
import { useTRPC } from "~/trpc/react";

const EXPIRY = [
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "1 year" },
  { value: "", label: "Never" },
];

function keyStatus(k: ApiKey): { label: string; tone: "success" | "neutral" | "danger" } {
  if (k.revokedAt) return { label: "Revoked", tone: "danger" };
  if (k.expiresAt && new Date(k.expiresAt) <= new Date()) return { label: "Expired", tone: "neutral" };
  return { label: "Active", tone: "success" };
}

function NewKey({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  return (
    <div>
      <Alert
        tone="warning"
        title={`Copy the key for “${name}” now`}
        actions={
          <Button variant="secondary" size="sm" onClick={onDone}>
            I have saved the key
          </Button>
        }
      >
        <p>This is the only time the full key is shown. Holdfast stores only a hash of it, so it cannot be shown again. Keep it in a secret manager, not in code.</p>
        <ShownOnceField label="New API key" value={secret} copyLabel="Copy key" tone="warning" />
      </Alert>
    </div>
  );
}

export function ApiKeysView({ orgId, myRole, closed }: { orgId: string; myRole: Role; closed: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const keys = useQuery(trpc.apiKeys.list.queryOptions({ orgId }));
  const formRef = useRef<HTMLFormElement>(null);
  const [role, setRole] = useState<Role>("viewer");
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [target, setTarget] = useState<ApiKey | null>(null);
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey({ orgId }) });

  const create = useMutation(
    trpc.apiKeys.create.mutationOptions({
      onSuccess: async (res) => {
        setCreated({ name: res.apiKey.name, key: res.key });
        formRef.current?.reset();
        setRole("viewer");
        await invalidate();
      },
    }),
  );
  const revoke = useMutation(
    trpc.apiKeys.revoke.mutationOptions({
      onSuccess: async () => {
        setTarget(null);
        await invalidate();
      },
    }),
  );

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const expiry = formText(form, "expiresInDays");
    setCreated(null);
    create.mutate({ orgId, name: formText(form, "name"), role, expiresInDays: expiry ? Number(expiry) : undefined });
  }

  const fields = fieldErrorsOf(create.error);
  return (
    <div className="space-y-8">
      {/* A closed organisation's keys were all revoked and no new one can be made (the service answers 409 too). */}
      {closed ? null : (
        <Card aria-labelledby="create-key-heading">
          <CardHeader id="create-key-heading" title="Create an API key" description="A key can act with your role at most. Give each system its own key so you can revoke one without breaking the others." />
          <CardBody className="space-y-5">
            <form ref={formRef} onSubmit={onSubmit} className="grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-[minmax(0,1fr)_11rem_9rem_auto] xl:items-start">
              <TextField label="Key name" name="name" required maxLength={100} autoComplete="off" placeholder="e.g. Terraform, SIEM export" error={fields.name} />
              <SelectField label="Role" name="role" value={role} onChange={(e) => setRole(e.target.value as Role)} hint={ROLE_DESCRIPTION[role]}>
                {assignableRoles(myRole).map((r) => (
                  <option key={r} value={r}>
                    {ROLE_LABEL[r]}
                  </option>
                ))}
              </SelectField>
              <SelectField label="Expires after" name="expiresInDays" defaultValue="90">
                {EXPIRY.map((o) => (
                  <option key={o.label} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </SelectField>
              <Button type="submit" loading={create.isPending} className="md:col-span-2 md:justify-self-start xl:col-span-1 xl:mt-7">
                <Icon name="plus" className="size-4" />
                Create key
              </Button>
            </form>
            {create.error && !fields.name ? <Alert tone="danger">{errorMessage(create.error)}</Alert> : null}
            {created ? <NewKey name={created.name} secret={created.key} onDone={() => setCreated(null)} /> : null}
          </CardBody>
        </Card>
      )}

      <Card aria-labelledby="keys-heading">
        <CardHeader id="keys-heading" title="Keys" description="Revoked keys stay listed so the audit log keeps its references." />
        <QueryStates
          query={keys}
          loading="Loading API keys"
          rows={2}
          isEmpty={(list) => list.length === 0}
          empty={
            <EmptyState icon="key" title="No API keys yet">
              Create one above to use the REST API from scripts, CI or your SIEM.
            </EmptyState>
          }
        >
          {(list) => (
            <ul aria-label="API keys" className="divide-y divide-slate-100">
              {list.map((k) => {
                const status = keyStatus(k);
                return (
                  <li key={k.id} className="flex flex-wrap items-center gap-x-4 gap-y-3 px-4 py-4 sm:px-6">
                    <div className="min-w-0 flex-1 basis-56">
                      <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-slate-900">
                        <span className="truncate">{k.name}</span>
                        <Badge tone={status.tone}>{status.label}</Badge>
                      </p>
                      <p className="mt-0.5 text-sm text-slate-500">
                        <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-xs text-slate-700">hf_{k.prefix}_…</code> · created <LocalTime iso={k.createdAt} mode="date" />
                        {" · "}
                        {k.lastUsedAt ? (
                          <>
                            last used <LocalTime iso={k.lastUsedAt} mode="relative" />
                          </>
                        ) : (
                          "never used"
                        )}
                        {k.expiresAt && !k.revokedAt ? (
                          <>
                            {" · "}
                            {status.label === "Expired" ? "expired" : "expires"} <LocalTime iso={k.expiresAt} mode="date" />
                          </>
                        ) : null}
                      </p>
                    </div>
                    <RoleBadge role={k.role} />
                    {k.revokedAt ? null : (
                      <Button variant="secondary" size="sm" onClick={() => setTarget(k)} aria-label={`Revoke ${k.name}`}>
                        Revoke
                      </Button>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        </QueryStates>
      </Card>

      <ConfirmDialog
        open={target !== null}
        title={`Revoke “${target?.name ?? ""}”?`}
        confirmLabel="Revoke key"
        {...mutationDialogProps(revoke, () => setTarget(null))}
        onConfirm={() => target && revoke.mutate({ orgId, id: target.id })}
      >
        <p>Anything using this key will get 401 Unauthorized from its next request. This cannot be undone.</p>
      </ConfirmDialog>
    </div>
  );
}
