"use client";
// What the console says when an action did not happen at once but became a guarded request
// (ADR 0020): what was asked, that a second person must approve it, when it may run, and where to follow it.
import type { GuardedRequestView } from "@holdfast/services";
import Link from "next/link";
import { Alert } from "~/components/ui/alert";
import { LocalTime } from "~/components/ui/local-time";

export function requestsHref(orgId: string): string {
  return `/o/${orgId}/requests`;
}

/** A `status` (polite) message: "Requested: … See requests". */
export function RequestedNotice({ orgId, request, className }: { orgId: string; request: Pick<GuardedRequestView, "summary" | "notBefore">; className?: string }) {
  return (
    <Alert tone="info" className={className}>
      <p>
        Requested: {request.summary.replace(/\.$/, "")}. It needs approval by another owner, administrator or guardian and runs no earlier than <LocalTime iso={request.notBefore} />.{" "}
        <Link href={requestsHref(orgId)} className="font-medium underline underline-offset-2 hover:no-underline">
          See requests
        </Link>
      </p>
    </Alert>
  );
}
