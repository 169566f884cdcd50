import { redirect } from "next/navigation";
import { AuthCard, AuthLayout } from "~/components/auth-layout";
import { SignOutButton } from "~/components/shell/sign-out-button";
import { currentUserId } from "~/server/auth";
import { serverCaller } from "~/server/trpc";

export const dynamic = "force-dynamic";

/** Home is the first organisation the user belongs to. */
export default async function Home() {
  if (!(await currentUserId())) redirect("/sign-in");
  const caller = await serverCaller();
  const [first] = await caller.me.organizations();
  if (first) redirect(`/o/${first.id}`);
  return (
    <AuthLayout>
      <AuthCard
        title="You are not in an organisation"
        description="Nothing here is yours yet. An admin can invite you: open their invitation link while signed in. If you signed in with Google or Microsoft, your own backed-up data appears here once your organisation protects your account with Holdfast and allows self-service."
      >
        <SignOutButton variant="secondary" className="w-full" />
      </AuthCard>
    </AuthLayout>
  );
}
