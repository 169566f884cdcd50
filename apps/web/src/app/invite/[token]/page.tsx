import type { Metadata } from "next";
import { AuthCard, AuthLayout } from "~/components/auth-layout";
import { ButtonLink } from "~/components/ui/button";
import { currentUserId } from "~/server/auth";
import { serverCaller } from "~/server/trpc";
import { AcceptInvitation } from "./accept-invitation";

// The token is in the path: never send it onwards in a Referer header.
export const metadata: Metadata = { title: "Join an organisation", referrer: "no-referrer" };
export const dynamic = "force-dynamic";

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const here = `/invite/${encodeURIComponent(token)}`;
  const userId = await currentUserId();
  if (!userId) {
    return (
      <AuthLayout>
        <AuthCard title="You have been invited to Holdfast" description="Sign in, or create an account, with the email address the invitation was sent to. You will come back here to accept it.">
          <div className="space-y-3">
            <ButtonLink href={`/sign-in?callbackUrl=${encodeURIComponent(here)}`} size="lg" className="w-full">
              Sign in to accept
            </ButtonLink>
            <ButtonLink href={`/sign-up?callbackUrl=${encodeURIComponent(here)}`} size="lg" variant="secondary" className="w-full">
              Create an account
            </ButtonLink>
          </div>
        </AuthCard>
      </AuthLayout>
    );
  }
  const profile = await (await serverCaller()).me.profile();
  return (
    <AuthLayout>
      <AuthCard title="Join an organisation" description={`You are signed in as ${profile.email}. Accept the invitation to add the organisation to your console.`}>
        <AcceptInvitation token={token} email={profile.email} />
      </AuthCard>
    </AuthLayout>
  );
}
