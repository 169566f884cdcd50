"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Invitation } from "@holdfast/services";
import { RoleBadge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardHeader } from "~/components/ui/card";
import { ConfirmDialog, mutationDialogProps } from "~/components/ui/confirm-dialog";
import { LocalTime } from "~/components/ui/local-time";
import { QueryStates } from "~/components/ui/query-states";
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
      <QueryStates
        query={invitations}
        loading="Loading invitations"
        rows={2}
        isEmpty={(list) => list.length === 0}
        empty={<p className="px-4 py-6 text-sm text-slate-500 sm:px-6">No pending invitations.</p>}
      >
        {(list) => (
          <ul aria-label="Pending invitations" className="divide-y divide-slate-100">
            {list.map((inv) => {
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
      </QueryStates>
      <ConfirmDialog
        open={target !== null}
        title="Revoke this invitation?"
        confirmLabel="Revoke invitation"
        {...mutationDialogProps(revoke, () => setTarget(null))}
        onConfirm={() => target && revoke.mutate({ orgId, id: target.id })}
      >
        <p>The link sent to {target?.email} will stop working. You can invite them again at any time.</p>
      </ConfirmDialog>
    </Card>
  );
}
