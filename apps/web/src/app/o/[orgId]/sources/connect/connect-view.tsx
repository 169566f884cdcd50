"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type ChangeEvent, type FormEvent } from "react";
import type { CreateSourceInput } from "@holdfast/services";
import { Icon } from "~/components/icons";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { TextField } from "~/components/ui/field";
import { ShownOnceField } from "~/components/ui/shown-once-field";
import { ListSkeleton } from "~/components/ui/spinner";
import { cn } from "~/lib/cn";
import { errorData, errorMessage, fieldErrorsOf } from "~/lib/errors";
import { formText } from "~/lib/form";
import { useTRPC } from "~/trpc/react";

type Provider = CreateSourceInput["provider"];
type ServiceAccountKey = NonNullable<CreateSourceInput["google"]>["serviceAccountKey"];

const PROVIDERS: { value: Provider; label: string; detail: string }[] = [
  { value: "google_workspace", label: "Google Workspace", detail: "Gmail, Drive, Calendar and Contacts of every user, through your own service account with domain-wide delegation." },
  { value: "microsoft_365", label: "Microsoft 365", detail: "Exchange mailboxes, OneDrive, SharePoint sites, calendars and contacts, through an admin's tenant-wide consent." },
];

/** The vault comes first: nothing is backed up before there is somewhere immutable to put it. */
function VaultStep({ orgId, isOwner }: { orgId: string; isOwner: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [recoveryKey, setRecoveryKey] = useState<string | null>(null);
  const provision = useMutation(trpc.sources.vault.provision.mutationOptions({ onSuccess: (v) => setRecoveryKey(v.recoveryKey) }));
  const done = () => qc.invalidateQueries({ queryKey: trpc.sources.vault.status.queryKey({ orgId }) });

  return (
    <Card aria-labelledby="vault-heading">
      <CardHeader id="vault-heading" title="First, the backup vault" description="Every backup of this organisation goes into its own immutable vault (object-locked storage, encrypted with keys of its own)." />
      <CardBody className="space-y-4">
        {recoveryKey ? (
          <Alert
            tone="warning"
            title="Keep the recovery key offline, now"
            actions={
              <Button variant="secondary" size="sm" onClick={() => void done()}>
                I have saved the recovery key
              </Button>
            }
          >
            <p>It opens every backup of this organisation without Holdfast. This is the only time it is shown: print it or put it in a safe, not next to your Holdfast login.</p>
            <ShownOnceField label="Recovery key" value={recoveryKey} copyLabel="Copy recovery key" tone="warning" />
          </Alert>
        ) : isOwner ? (
          <>
            <p className="text-sm text-slate-600">This organisation has no vault yet. Creating it takes a few seconds and happens once.</p>
            {provision.error ? <Alert tone="danger">{errorMessage(provision.error)}</Alert> : null}
            <Button onClick={() => provision.mutate({ orgId })} loading={provision.isPending}>
              <Icon name="shield" className="size-4" />
              Create the vault
            </Button>
          </>
        ) : (
          <Alert tone="info" title="An owner creates the vault">
            This organisation has no backup vault yet, and only an owner can create it (it comes with a recovery key they must keep). Ask an owner, then come back here.
          </Alert>
        )}
      </CardBody>
    </Card>
  );
}

function ProviderChoice({ value, onChange }: { value: Provider | null; onChange: (p: Provider) => void }) {
  return (
    <fieldset>
      <legend className="mb-3 text-sm font-medium text-slate-800">What do you want to back up?</legend>
      <div className="grid grid-cols-1 gap-3 md:grid-cols-2">
        {PROVIDERS.map((p) => (
          <label
            key={p.value}
            className={cn(
              "flex cursor-pointer gap-3 rounded-xl p-4 ring-1 ring-inset transition-colors has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-brand-600",
              value === p.value ? "bg-brand-50 ring-2 ring-brand-600" : "bg-white ring-slate-300 hover:bg-slate-50",
            )}
          >
            <input type="radio" name="provider" value={p.value} checked={value === p.value} onChange={() => onChange(p.value)} className="mt-1 size-4 accent-brand-700" />
            <span>
              <span className="block text-sm font-semibold text-slate-900">{p.label}</span>
              <span className="mt-1 block text-sm text-slate-600">{p.detail}</span>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** The key as an object, or the reason it is not one. */
function parseKey(text: string): { key: ServiceAccountKey } | { error: string } {
  if (!text.trim()) return { error: "Upload or paste the service account's JSON key file" };
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== "object" || v === null || Array.isArray(v)) return { error: "This must be the JSON key file: an object with type, client_email and private_key" };
    // Its fields are checked by the server's schema, which names each one that is wrong.
    return { key: v as ServiceAccountKey };
  } catch (e) {
    return { error: `This is not valid JSON (${e instanceof Error ? e.message : "parse error"}): upload the key file exactly as Google gave it` };
  }
}

function firstFor(fields: Record<string, string>, prefix: string): string | undefined {
  return Object.entries(fields).find(([k]) => k === prefix || k.startsWith(`${prefix}.`))?.[1];
}

export function ConnectView({ orgId, isOwner }: { orgId: string; isOwner: boolean }) {
  const trpc = useTRPC();
  const vault = useQuery(trpc.sources.vault.status.queryOptions({ orgId }));
  const [provider, setProvider] = useState<Provider | null>(null);
  const [keyText, setKeyText] = useState("");
  const [keyError, setKeyError] = useState<string | null>(null);
  const [autoProtect, setAutoProtect] = useState(true);
  const keyFieldId = useId();
  const create = useMutation(
    trpc.sources.create.mutationOptions({
      // The provider's consent page; it sends the browser back to the source's page.
      onSuccess: (res) => window.location.assign(res.authorizeUrl),
    }),
  );

  if (vault.isPending) return <Card><ListSkeleton rows={1} label="Checking the vault" /></Card>;
  if (vault.isError) return <Alert tone="danger">{errorMessage(vault.error)}</Alert>;
  if (!vault.data.provisioned) return <VaultStep orgId={orgId} isOwner={isOwner} />;

  async function onFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.currentTarget.files?.[0];
    if (!file) return;
    if (file.size > 64_000) {
      setKeyError("That file is too large to be a service account key");
      return;
    }
    setKeyText(await file.text());
    setKeyError(null);
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!provider) return;
    const form = new FormData(e.currentTarget);
    const displayName = formText(form, "displayName").trim() || undefined;
    if (provider === "microsoft_365") {
      create.mutate({ orgId, source: { provider, displayName, autoProtectNewUnits: autoProtect } });
      return;
    }
    const parsed = parseKey(keyText);
    if ("error" in parsed) {
      setKeyError(parsed.error);
      return;
    }
    setKeyError(null);
    create.mutate({ orgId, source: { provider, displayName, autoProtectNewUnits: autoProtect, google: { adminEmail: formText(form, "adminEmail"), serviceAccountKey: parsed.key } } });
  }

  const fields = fieldErrorsOf(create.error);
  const serverMessage = create.error ? errorMessage(create.error) : null;
  // The key check's refusals name the key: show them under it rather than as a banner.
  const keyProblem = keyError ?? firstFor(fields, "source.google.serviceAccountKey") ?? (serverMessage?.startsWith("google.serviceAccountKey:") ? serverMessage.slice("google.serviceAccountKey:".length).trim() : undefined);
  const emailProblem = firstFor(fields, "source.google.adminEmail");
  const nameProblem = firstFor(fields, "source.displayName");
  const shownElsewhere = !!keyProblem && !keyError || !!emailProblem || !!nameProblem;
  const banner = create.error && !shownElsewhere ? (errorData(create.error).fieldErrors ? "Check the highlighted fields." : serverMessage) : null;

  return (
    <Card aria-labelledby="connect-heading">
      <CardHeader id="connect-heading" title="Choose the provider" />
      <CardBody>
        <form onSubmit={onSubmit} className="space-y-6" noValidate>
          <ProviderChoice value={provider} onChange={(p) => { setProvider(p); create.reset(); }} />

          {provider === "google_workspace" ? (
            <div className="space-y-5 border-t border-slate-100 pt-6">
              <p className="text-sm text-slate-600">
                In the Google Cloud console, create a service account and a JSON key for it; in the Google Admin console, grant its client id domain-wide delegation for the Gmail, Drive, Calendar, Contacts and Directory read-only scopes. Holdfast checks every scope before it stores the key (sealed, never shown again).
              </p>
              <TextField label="Super admin's email" name="adminEmail" type="email" required autoComplete="off" placeholder="admin@yourdomain.com" hint="The Workspace super admin the service account acts as; they approve access next." error={emailProblem} />
              <div>
                <label htmlFor={keyFieldId} className="mb-1.5 block text-sm font-medium text-slate-800">
                  Service account key (JSON)
                </label>
                <div className="mb-2 flex flex-wrap items-center gap-3">
                  <label className="inline-flex h-8 cursor-pointer items-center gap-1.5 rounded-lg bg-white px-3 text-sm font-medium text-slate-800 shadow-sm ring-1 ring-slate-300 ring-inset hover:bg-slate-50 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-brand-600">
                    <Icon name="plus" className="size-4" />
                    Upload key file
                    <input type="file" accept="application/json,.json" onChange={(e) => void onFile(e)} className="sr-only" />
                  </label>
                  <span className="text-sm text-slate-500">or paste it below</span>
                </div>
                <textarea
                  id={keyFieldId}
                  name="serviceAccountKey"
                  rows={6}
                  spellCheck={false}
                  autoComplete="off"
                  value={keyText}
                  onChange={(e) => setKeyText(e.target.value)}
                  aria-invalid={keyProblem ? true : undefined}
                  aria-describedby={keyProblem ? `${keyFieldId}-error` : undefined}
                  placeholder='{ "type": "service_account", "client_email": "…", "private_key": "-----BEGIN PRIVATE KEY-----…" }'
                  className={cn(
                    "block w-full rounded-lg border-0 bg-white px-3 py-2 font-mono text-xs text-slate-900 shadow-sm ring-1 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:outline-none",
                    keyProblem ? "ring-red-400 focus:ring-red-500" : "ring-slate-300 focus:ring-brand-600",
                  )}
                />
                {keyProblem ? (
                  <p id={`${keyFieldId}-error`} className="mt-1.5 text-sm text-red-700">
                    {keyProblem}
                  </p>
                ) : null}
              </div>
            </div>
          ) : provider === "microsoft_365" ? (
            <p className="border-t border-slate-100 pt-6 text-sm text-slate-600">
              A Global Administrator of your Microsoft Entra directory approves Holdfast&apos;s app for the whole tenant on Microsoft&apos;s consent page. Nothing to upload.
            </p>
          ) : null}

          {provider ? (
            <div className="space-y-5">
              <TextField label="Name (optional)" name="displayName" maxLength={200} autoComplete="off" placeholder={provider === "google_workspace" ? "Defaults to the domain" : "Microsoft 365"} error={nameProblem} />
              <label className="flex items-start gap-3 text-sm">
                <input type="checkbox" checked={autoProtect} onChange={(e) => setAutoProtect(e.target.checked)} className="mt-0.5 size-4 accent-brand-700" />
                <span>
                  <span className="font-medium text-slate-900">Protect new users, mailboxes and sites automatically</span>
                  <span className="block text-slate-500">Recommended. When off, what discovery finds later starts excluded until you include it.</span>
                </span>
              </label>
              {banner ? <Alert tone="danger">{banner}</Alert> : null}
              <Button type="submit" loading={create.isPending || create.isSuccess}>
                Continue to {provider === "google_workspace" ? "Google" : "Microsoft"}
                <Icon name="arrowRight" className="size-4" />
              </Button>
            </div>
          ) : null}
        </form>
      </CardBody>
    </Card>
  );
}
