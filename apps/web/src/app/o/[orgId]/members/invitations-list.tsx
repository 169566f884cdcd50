"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Invitation } from "@holdfast/services";
import { Alert } from "~/components/ui/alert";
import { RoleBadge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardHeader } from "~/components/ui/card";
import { ConfirmDialog } from "~/components/ui/confirm-dialog";
import { LocalTime } from "~/components/ui/local-time";
import { ListSkeleton } from "~/components/ui/spinner";
import { errorMessage } from "~/lib/errors";
import { useTRPC } from "~/trpc/react";

export function InvitationsList({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const invitations = useQuery(trpc.members.invitations.queryOptions({ orgId }));
  const [target, setTarget] = useState<Invitation | null>(null);
  const revoke = useMutation(
    trpc.members.revokeInvitation.mutationOptions({
      onSuccess: async () => {
        setTarget(null);
        await qc.invalidateQueries({ queryKey: trpc.members.invitations.queryKey({ orgId }) });
      },
    }),
  );

  return (
    <Card aria-labelledby="invitations-heading">
      <CardHeader id="invitations-heading" title="Pending invitations" description="Invitations that have not been accepted yet." />
      {invitations.isPending ? (
        <ListSkeleton rows={2} label="Loading invitations" />
      ) : invitations.isError ? (
        <div className="p-4 sm:p-6">
          <Alert tone="danger">{errorMessage(invitations.error)}</Alert>
        </div>
      ) : invitations.data.length === 0 ? (
        <p className="px-4 py-6 text-sm text-slate-500 sm:px-6">No pending invitations.</p>
      ) : (
        <ul aria-label="Pending invitations" className="divide-y divide-slate-100">
          {invitations.data.map((inv) => {
            const expired = new Date(inv.expiresAt) <= new Date();
            return (
              <li key={inv.id} className="flex flex-wrap items-center gap-x-4 gap-y-2 px-4 py-4 sm:px-6">
                <div className="min-w-0 flex-1 basis-48">
                  <p className="truncate text-sm font-medium text-slate-900">{inv.email}</p>
                  <p className="text-sm text-slate-500">
                    {expired ? "Expired " : "Expires "}
                    <LocalTime iso={inv.expiresAt} mode="relative" />
                  </p>
                </div>
                <RoleBadge role={inv.role} />
                <Button variant="secondary" size="sm" onClick={() => setTarget(inv)} aria-label={`Revoke invitation for ${inv.email}`}>
                  Revoke
                </Button>
              </li>
            );
          })}
        </ul>
      )}
      <ConfirmDialog
        open={target !== null}
        title="Revoke this invitation?"
        confirmLabel="Revoke invitation"
        pending={revoke.isPending}
        error={revoke.error ? errorMessage(revoke.error) : null}
        onCancel={() => {
          setTarget(null);
          revoke.reset();
        }}
        onConfirm={() => target && revoke.mutate({ orgId, id: target.id })}
      >
        <p>The link sent to {target?.email} will stop working. You can invite them again at any time.</p>
      </ConfirmDialog>
    </Card>
  );
}
