import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard, AuthLayout } from "~/components/auth-layout";
import { safeCallbackUrl } from "~/lib/format";
import { currentUserId, identitySignInProviders } from "~/server/auth";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await currentUserId()) redirect(callbackUrl);
  const error = typeof params.error === "string" ? params.error : null;
  const identityProviders = identitySignInProviders();
  const signUpHref = callbackUrl === "/" ? "/sign-up" : `/sign-up?callbackUrl=${encodeURIComponent(callbackUrl)}`;
  return (
    <AuthLayout>
      <AuthCard
        title="Sign in to Holdfast"
        description={
          identityProviders.length
            ? "Welcome back. Use your email address and password, or your organisation's account."
            : "Welcome back. Use the email address and password you signed up with."
        }
        footer={
          <>
            New to Holdfast?{" "}
            <Link href={signUpHref} className="rounded font-medium text-brand-700 underline-offset-4 hover:underline">
              Create an account
            </Link>
          </>
        }
      >
        <SignInForm callbackUrl={callbackUrl} initialError={error} identityProviders={identityProviders} />
      </AuthCard>
    </AuthLayout>
  );
}
