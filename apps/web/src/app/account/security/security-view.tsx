"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import QRCode from "qrcode";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { Icon } from "~/components/icons";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { CopyButton } from "~/components/ui/copy-button";
import { TextField } from "~/components/ui/field";
import { Spinner } from "~/components/ui/spinner";
import { formText } from "~/lib/form";
import { errorMessage, fieldErrorsOf } from "~/lib/errors";
import { groupSecret } from "~/lib/format";
import { useTRPC } from "~/trpc/react";

function Steps({ secret, uri, onCancel }: { secret: string; uri: string; onCancel: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [qr, setQr] = useState<string | null>(null);
  const [qrFailed, setQrFailed] = useState(false);
  const secretId = useId();
  const codeRef = useRef<HTMLInputElement>(null);
  const confirm = useMutation(trpc.me.totp.confirm.mutationOptions({ onSuccess: () => router.refresh() }));

  useEffect(() => {
    let live = true;
    QRCode.toDataURL(uri, { margin: 1, width: 224, errorCorrectionLevel: "M", color: { dark: "#0f172a", light: "#ffffff" } })
      .then((url) => live && setQr(url))
      .catch(() => live && setQrFailed(true));
    return () => {
      live = false;
    };
  }, [uri]);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    confirm.mutate({ code: formText(new FormData(e.currentTarget), "code").replace(/\s+/g, "") });
  }

  const codeError = fieldErrorsOf(confirm.error).code ?? (confirm.error ? errorMessage(confirm.error) : null);
  return (
    <ol className="space-y-8">
      <li className="flex gap-4">
        <span aria-hidden="true" className="flex size-7 shrink-0 items-center justify-center rounded-full bg-brand-100 text-sm font-semibold text-brand-800">1</span>
        <div className="min-w-0 flex-1">
          <h3 className="text-sm font-semibold text-slate-900">Scan the QR code</h3>
          <p className="mt-1 text-sm text-slate-600">Use an authenticator app such as 1Password, Google Authenticator, Microsoft Authenticator or Authy.</p>
          <div className="mt-4 flex flex-col gap-6 sm:flex-row sm:items-start">
            <div className="flex size-56 shrink-0 items-center justify-center rounded-lg bg-white ring-1 ring-slate-200">
              {qr ? (
                <img src={qr} alt="QR code to add Holdfast to your authenticator app" width={224} height={224} className="rounded-lg" />
              ) : qrFailed ? (
                <p className="p-4 text-center text-sm text-slate-500">The QR code could not be drawn. Enter the key by hand instead.</p>
              ) : (
                <Spinner label="Drawing QR code" />
              )}
            </div>
            <div className="min-w-0 flex-1">
              <p className="text-sm text-slate-600">Can’t scan it? Choose “enter a setup key” in your app and type this key (time-based):</p>
              <label htmlFor={secretId} className="mt-3 block text-xs font-medium tracking-wide text-slate-500 uppercase">
                Setup key
              </label>
              <div className="mt-1 flex flex-col gap-2 sm:flex-row">
                <input
                  id={secretId}
                  readOnly
                  value={groupSecret(secret)}
                  onFocus={(e) => e.currentTarget.select()}
                  className="h-10 min-w-0 flex-1 rounded-lg border-0 bg-slate-100 px-3 font-mono text-sm tracking-wider text-slate-900"
                />
                <CopyButton value={secret} label="Copy key" fallbackInputId={secretId} />
              </div>
            </div>
          </div>
        </div>
      </li>
      <li className="flex gap-4">
        <span aria-hidden="true" className="flex size-7 shrink-0 items-center justify-center rounded-full bg-brand-100 text-sm font-semibold text-brand-800">2</span>
        <div className="min-w-0 flex-1">
          <h3 className="text-sm font-semibold text-slate-900">Enter the 6-digit code</h3>
          <p className="mt-1 text-sm text-slate-600">The code changes every 30 seconds.</p>
          <form onSubmit={onSubmit} className="mt-4 flex max-w-md flex-col gap-3 sm:flex-row sm:items-start">
            <TextField
              ref={codeRef}
              label="Authentication code"
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={7}
              required
              error={codeError}
              className="flex-1"
              inputClassName="font-mono tracking-[0.3em] text-base"
            />
            <Button type="submit" loading={confirm.isPending} className="sm:mt-7">
              Verify and turn on
            </Button>
          </form>
          <Button variant="ghost" size="sm" className="mt-3 -ml-3" onClick={onCancel}>
            Cancel setup
          </Button>
        </div>
      </li>
    </ol>
  );
}

export function SecurityView({ mfaEnabled, email, signInWith }: { mfaEnabled: boolean; email: string; signInWith: "password" | "google" | "microsoft" }) {
  const trpc = useTRPC();
  const start = useMutation(trpc.me.totp.start.mutationOptions());

  if (signInWith !== "password") {
    const provider = signInWith === "google" ? "Google" : "Microsoft";
    return (
      <Card aria-labelledby="sign-in-heading">
        <CardHeader id="sign-in-heading" title={`You sign in with ${provider}`} description={`Holdfast has no password for ${email}.`} />
        <CardBody>
          <p className="max-w-2xl text-sm text-slate-600">
            Your organisation&apos;s {provider} account signs you in, so its own two-step verification protects your sign-in: ask your {provider} administrator to require it. Holdfast&apos;s
            authenticator codes apply to password sign-ins only. Signing in this way shows you your own backed-up data and never makes you a member or an administrator of an organisation.
          </p>
        </CardBody>
      </Card>
    );
  }

  return (
    <div className="space-y-8">
      <Card aria-labelledby="totp-heading">
        <CardHeader
          id="totp-heading"
          title="Two-factor authentication"
          description="After your password, Holdfast asks for a code from an app on your phone."
          actions={mfaEnabled ? <Badge tone="success">On</Badge> : <Badge tone="warning">Off</Badge>}
        />
        <CardBody>
          {mfaEnabled ? (
            <div className="flex items-start gap-4">
              <span className="flex size-10 shrink-0 items-center justify-center rounded-full bg-emerald-50 text-emerald-700">
                <Icon name="shield" className="size-5" />
              </span>
              <div className="text-sm">
                <p className="font-medium text-slate-900">Two-factor authentication is on</p>
                <p className="mt-1 text-slate-600">
                  Signing in as {email} needs your password and a code from your authenticator app. If you lose the device, ask an owner of your organisation to contact Holdfast support.
                </p>
              </div>
            </div>
          ) : start.data ? (
            <Steps secret={start.data.secret} uri={start.data.uri} onCancel={() => start.reset()} />
          ) : (
            <div className="space-y-4">
              <p className="max-w-2xl text-sm text-slate-600">
                A stolen password is not enough to sign in once this is on. It protects every organisation you belong to, including their backups and API keys.
              </p>
              {start.error ? <Alert tone="danger">{errorMessage(start.error)}</Alert> : null}
              <Button onClick={() => start.mutate()} loading={start.isPending}>
                <Icon name="shield" className="size-4" />
                Set up authenticator app
              </Button>
            </div>
          )}
        </CardBody>
      </Card>
    </div>
  );
}
