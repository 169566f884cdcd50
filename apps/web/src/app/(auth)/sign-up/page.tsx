import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard, AuthLayout } from "~/components/auth-layout";
import { safeCallbackUrl } from "~/lib/format";
import { currentUserId } from "~/server/auth";
import { SignUpForm } from "./sign-up-form";

export const metadata: Metadata = { title: "Create your account" };
export const dynamic = "force-dynamic";

export default async function SignUpPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl, "");
  if (await currentUserId()) redirect(callbackUrl || "/");
  const signInHref = callbackUrl ? `/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}` : "/sign-in";
  return (
    <AuthLayout>
      <AuthCard
        title="Create your Holdfast account"
        description="Set up your organisation in under a minute. You can invite your team next."
        footer={
          <>
            Already have an account?{" "}
            <Link href={signInHref} className="rounded font-medium text-brand-700 underline-offset-4 hover:underline">
              Sign in
            </Link>
          </>
        }
      >
        <SignUpForm callbackUrl={callbackUrl || null} />
      </AuthCard>
    </AuthLayout>
  );
}
