import { AuthCard, AuthLayout } from "~/components/auth-layout";
import { ButtonLink } from "~/components/ui/button";

export default function NotFound() {
  return (
    <AuthLayout>
      <AuthCard title="Page not found" description="This page does not exist, or you do not have access to it. If someone sent you this link, check that you are signed in with the right account.">
        <ButtonLink href="/" className="w-full">
          Go to your console
        </ButtonLink>
      </AuthCard>
    </AuthLayout>
  );
}
