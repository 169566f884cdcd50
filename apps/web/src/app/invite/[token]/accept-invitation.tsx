"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { SignOutButton } from "~/components/shell/sign-out-button";
import { Alert } from "~/components/ui/alert";
import { Button, ButtonLink } from "~/components/ui/button";
import { errorMessage, isNotFound } from "~/lib/errors";
import { useTRPC } from "~/trpc/react";

export function AcceptInvitation({ token, email }: { token: string; email: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const accept = useMutation(
    trpc.me.acceptInvitation.mutationOptions({
      onSuccess: ({ tenantId }) => {
        router.replace(`/o/${tenantId}`);
        router.refresh();
      },
    }),
  );

  if (accept.error && isNotFound(accept.error)) {
    return (
      <div className="space-y-4">
        <Alert tone="danger" title="This invitation cannot be used">
          It may have expired, been revoked or already accepted, or it was sent to an address other than {email}. Ask the person who invited you for a new link.
        </Alert>
        <div className="flex flex-col gap-3 sm:flex-row">
          <ButtonLink href="/" variant="secondary" className="flex-1">
            Go to your console
          </ButtonLink>
          <SignOutButton variant="ghost" className="flex-1" />
        </div>
      </div>
    );
  }

  return (
    <div className="space-y-4">
      {accept.error ? <Alert tone="danger">{errorMessage(accept.error)}</Alert> : null}
      <Button size="lg" className="w-full" loading={accept.isPending || accept.isSuccess} onClick={() => accept.mutate({ token })}>
        Accept invitation
      </Button>
      <p className="text-center text-sm text-slate-500">
        Not {email}? <SignOutButton variant="ghost" className="h-auto px-1 py-0 align-baseline text-brand-700 underline-offset-4 hover:bg-transparent hover:underline" />
      </p>
    </div>
  );
}
