"use client";
// Adding a webhook endpoint: a URL and what it is for. The signing secret comes back this once and
// is shown in the shown-once field; Holdfast keeps only what it needs to sign, never shows it again.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Icon } from "~/components/icons";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { TextField } from "~/components/ui/field";
import { ShownOnceField } from "~/components/ui/shown-once-field";
import { errorMessage, fieldErrorsOf } from "~/lib/errors";
import { useTRPC } from "~/trpc/react";

const URL_MAX = 2000;
const DESCRIPTION_MAX = 200;

export function AddWebhookForm({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const add = useMutation(
    trpc.webhooks.create.mutationOptions({
      onSuccess: async (res) => {
        setCreated({ url: res.endpoint.url, secret: res.secret });
        setUrl("");
        setDescription("");
        await qc.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey({ orgId }) });
      },
    }),
  );
  const fields = fieldErrorsOf(add.error);
  const urlMissing = url.trim() === "";

  function submit(e: FormEvent) {
    e.preventDefault();
    if (urlMissing) return;
    setCreated(null);
    add.mutate({ orgId, url: url.trim(), ...(description.trim() ? { description: description.trim() } : {}) });
  }

  return (
    <div className="space-y-4">
      <form onSubmit={submit} className="space-y-4" noValidate>
        <fieldset disabled={add.isPending} className="grid grid-cols-1 gap-4 md:grid-cols-2">
          <legend className="sr-only">Add a webhook endpoint</legend>
          <TextField
            label="Endpoint URL"
            type="url"
            inputMode="url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            maxLength={URL_MAX}
            required
            autoComplete="off"
            placeholder="https://example.com/holdfast"
            hint="An HTTPS URL that answers 2xx to a POST."
            error={fields.url}
          />
          <TextField
            label="Description"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            maxLength={DESCRIPTION_MAX}
            autoComplete="off"
            placeholder="e.g. Security team's Slack"
            hint="Optional: what it is for."
            error={fields.description}
          />
        </fieldset>
        {add.isError && !fields.url && !fields.description ? (
          <Alert tone="danger" title="The endpoint was not added">
            {errorMessage(add.error)}
          </Alert>
        ) : null}
        <div className="flex justify-end">
          <Button type="submit" disabled={urlMissing} loading={add.isPending}>
            <Icon name="plus" className="size-4" />
            Add endpoint
          </Button>
        </div>
      </form>
      {created ? (
        <Alert
          tone="warning"
          title="Copy the signing secret now"
          actions={
            <Button variant="secondary" size="sm" onClick={() => setCreated(null)}>
              I have saved the secret
            </Button>
          }
        >
          <p className="break-all">Endpoint added: {created.url}.</p>
          <p className="mt-1">
            This is the only time the secret is shown. Use it to check the <code className="font-mono text-xs">Holdfast-Signature</code> header of every request, so your receiver accepts only what Holdfast sent.
          </p>
          <ShownOnceField label="Signing secret" value={created.secret} copyLabel="Copy secret" tone="warning" />
        </Alert>
      ) : null}
    </div>
  );
}
