"use client";
import { signIn } from "next-auth/react";
import { useState } from "react";
import type { IdentityProviderId } from "@holdfast/auth/next-auth";
import { Button } from "~/components/ui/button";

const LABEL: Record<IdentityProviderId, string> = { google: "Sign in with Google", microsoft: "Sign in with Microsoft" };

function ProviderLogo({ provider }: { provider: IdentityProviderId }) {
  if (provider === "microsoft") {
    return (
      <svg viewBox="0 0 21 21" aria-hidden="true" className="size-4">
        <rect x="1" y="1" width="9" height="9" fill="#f25022" />
        <rect x="11" y="1" width="9" height="9" fill="#7fba00" />
        <rect x="1" y="11" width="9" height="9" fill="#00a4ef" />
        <rect x="11" y="11" width="9" height="9" fill="#ffb900" />
      </svg>
    );
  }
  return (
    <svg viewBox="0 0 48 48" aria-hidden="true" className="size-4">
      <path fill="#EA4335" d="M24 9.5c3.54 0 6.71 1.22 9.21 3.6l6.85-6.85C35.9 2.38 30.47 0 24 0 14.62 0 6.51 5.38 2.56 13.22l7.98 6.19C12.43 13.72 17.74 9.5 24 9.5z" />
      <path fill="#4285F4" d="M46.98 24.55c0-1.57-.15-3.09-.38-4.55H24v9.02h12.94c-.58 2.96-2.26 5.48-4.78 7.18l7.73 6c4.51-4.18 7.09-10.36 7.09-17.65z" />
      <path fill="#FBBC05" d="M10.53 28.59c-.48-1.45-.76-2.99-.76-4.59s.27-3.14.76-4.59l-7.98-6.19C.92 16.46 0 20.12 0 24c0 3.88.92 7.54 2.56 10.78l7.97-6.19z" />
      <path fill="#34A853" d="M24 48c6.48 0 11.93-2.13 15.89-5.81l-7.73-6c-2.15 1.45-4.92 2.3-8.16 2.3-6.26 0-11.57-4.22-13.47-9.91l-7.98 6.19C6.51 42.62 14.62 48 24 48z" />
    </svg>
  );
}

/**
 * "Sign in with Google / Microsoft", below the password form. An organisation account signs in as
 * a person of its own (matched on the directory's ids, never joined to a password account by email).
 */
export function IdentitySignIn({ providers, callbackUrl }: { providers: readonly IdentityProviderId[]; callbackUrl: string }) {
  const [pending, setPending] = useState<IdentityProviderId | null>(null);
  if (providers.length === 0) return null;
  return (
    <div className="mt-6">
      <div className="flex items-center gap-3" role="separator" aria-label="or">
        <span className="h-px flex-1 bg-slate-200" />
        <span className="text-xs font-medium tracking-wide text-slate-500 uppercase" aria-hidden="true">
          or
        </span>
        <span className="h-px flex-1 bg-slate-200" />
      </div>
      <div className="mt-6 space-y-3">
        {providers.map((p) => (
          <Button
            key={p}
            variant="secondary"
            size="lg"
            className="w-full"
            loading={pending === p}
            disabled={pending !== null && pending !== p}
            onClick={() => {
              setPending(p);
              // A full-page redirect to the provider; on failure next-auth comes back to /sign-in?error=….
              void signIn(p, { callbackUrl }).catch(() => setPending(null));
            }}
          >
            {pending === p ? null : <ProviderLogo provider={p} />}
            {LABEL[p]}
          </Button>
        ))}
      </div>
    </div>
  );
}
