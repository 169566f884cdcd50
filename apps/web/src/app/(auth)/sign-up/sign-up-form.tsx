"use client";
import { useMutation } from "@tanstack/react-query";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { TextField } from "~/components/ui/field";
import { formText } from "~/lib/form";
import { errorMessage, fieldErrorsOf } from "~/lib/errors";
import { useTRPC } from "~/trpc/react";

export function SignUpForm({ callbackUrl }: { callbackUrl: string | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [signInFailed, setSignInFailed] = useState(false);
  const signUp = useMutation(trpc.auth.signUp.mutationOptions());
  const [signingIn, setSigningIn] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const value = (k: string) => formText(form, k);
    const email = value("email");
    const password = value("password");
    const name = value("name").trim();
    setSignInFailed(false);
    const { organizationId } = await signUp.mutateAsync({ email, password, name: name || undefined, organizationName: value("organizationName") }).catch(() => ({ organizationId: null }));
    if (!organizationId) return;
    setSigningIn(true);
    const res = await signIn("credentials", { redirect: false, email, password }).catch(() => null);
    if (!res?.ok || res.error) {
      setSigningIn(false);
      setSignInFailed(true);
      return;
    }
    router.replace(callbackUrl ?? `/o/${organizationId}`);
    router.refresh();
  }

  const fields = fieldErrorsOf(signUp.error);
  const busy = signUp.isPending || signingIn;

  return (
    <form onSubmit={(e) => void onSubmit(e)} className="space-y-5">
      {signUp.error && !Object.keys(fields).length ? <Alert tone="danger">{errorMessage(signUp.error)}</Alert> : null}
      {signInFailed ? (
        <Alert tone="warning" title="Your account is ready">
          We could not sign you in automatically. <a href="/sign-in" className="font-medium underline">Sign in</a> with your new password.
        </Alert>
      ) : null}
      <TextField label="Your name" name="name" autoComplete="name" maxLength={100} error={fields.name} />
      <TextField label="Work email" name="email" type="email" autoComplete="email" required maxLength={254} error={fields.email} />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={10}
        maxLength={256}
        hint="At least 10 characters. A passphrase of a few words works well."
        error={fields.password}
      />
      <TextField label="Organisation name" name="organizationName" autoComplete="organization" required maxLength={100} hint="Usually your company's name. You can be invited to others later." error={fields.organizationName} />
      <Button type="submit" size="lg" className="w-full" loading={busy}>
        Create account
      </Button>
      <p className="text-center text-xs text-slate-500">You will be the owner of the new organisation.</p>
    </form>
  );
}
