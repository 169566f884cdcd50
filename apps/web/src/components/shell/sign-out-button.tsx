"use client";
import { signOut } from "next-auth/react";
import { useState } from "react";
import { Icon } from "../icons";
import { Button, type ButtonVariant } from "../ui/button";

export function SignOutButton({ variant = "ghost", className }: { variant?: ButtonVariant; className?: string }) {
  const [pending, setPending] = useState(false);
  return (
    <Button
      variant={variant}
      className={className}
      loading={pending}
      onClick={() => {
        setPending(true);
        void signOut({ callbackUrl: "/sign-in" });
      }}
    >
      {pending ? null : <Icon name="logout" className="size-4" />}
      Sign out
    </Button>
  );
}
