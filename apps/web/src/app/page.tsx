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
      <AuthCard title="You are not in an organisation" description="You were removed from every organisation you belonged to. Ask an admin for a new invitation link, then open it while signed in.">
        <SignOutButton variant="secondary" className="w-full" />
      </AuthCard>
    </AuthLayout>
  );
}
