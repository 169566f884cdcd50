"use client";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { SIGN_IN_ERRORS, signInErrorMessage, type IdentityProviderId } from "@holdfast/auth/next-auth";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { TextField } from "~/components/ui/field";
import { IdentitySignIn } from "./identity-sign-in";

export function SignInForm({ callbackUrl, initialError, identityProviders = [] }: { callbackUrl: string; initialError: string | null; identityProviders?: readonly IdentityProviderId[] }) {
  const router = useRouter();
  const [step, setStep] = useState<"password" | "code">("password");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(() => signInErrorMessage(initialError));
  const codeRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (step === "code") codeRef.current?.focus();
  }, [step]);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      const res = await signIn("credentials", { redirect: false, email, password, totp: step === "code" ? code : "" });
      if (res?.ok && !res.error) {
        router.replace(callbackUrl);
        router.refresh();
        return;
      }
      if (res?.error === "mfa_required") {
        if (step === "code") setError(SIGN_IN_ERRORS.mfa_required);
        setStep("code");
      } else {
        setError(signInErrorMessage(res?.error ?? "unavailable"));
        if (step === "code") setCode("");
      }
    } catch {
      setError(SIGN_IN_ERRORS.unavailable);
    }
    setPending(false);
  }

  return (
    <>
      <form onSubmit={(e) => void onSubmit(e)} noValidate={step === "code"} className="space-y-5" aria-describedby={error ? "sign-in-error" : undefined}>
        {error ? (
          <div id="sign-in-error">
            <Alert tone="danger">{error}</Alert>
          </div>
        ) : null}
        {step === "password" ? (
          <>
            <TextField label="Email" name="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
            <TextField label="Password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
            <Button type="submit" size="lg" className="w-full" loading={pending}>
              Sign in
            </Button>
          </>
        ) : (
          <>
            <div className="rounded-lg bg-slate-100 px-4 py-3 text-sm text-slate-700">
              <p className="font-medium text-slate-900">Two-factor authentication</p>
              <p className="mt-1">Open your authenticator app and enter the 6-digit code for Holdfast ({email}).</p>
            </div>
            <TextField
              ref={codeRef}
              label="Authentication code"
              name="totp"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9 ]*"
              maxLength={7}
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
              inputClassName="font-mono tracking-[0.3em] text-base"
            />
            <Button type="submit" size="lg" className="w-full" loading={pending}>
              Verify and sign in
            </Button>
            <Button
              variant="ghost"
              className="w-full"
              onClick={() => {
                setStep("password");
                setCode("");
                setPassword("");
                setError(null);
              }}
            >
              Use a different account
            </Button>
          </>
        )}
      </form>
      {step === "password" ? <IdentitySignIn providers={identityProviders} callbackUrl={callbackUrl} /> : null}
    </>
  );
}
