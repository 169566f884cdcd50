"use client";
// Members, their roles and who is a guardian. Removing someone, lowering a role and changing who is
// a guardian weaken protection, so they become guarded requests (ADR 0020); raising a role applies at once.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { GuardedRequestView, Member, Role } from "@holdfast/services";
import { RequestedNotice } from "~/components/guard/requested-notice";
import { Icon } from "~/components/icons";
import { Alert } from "~/components/ui/alert";
import { Badge, RoleBadge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { ConfirmDialog } from "~/components/ui/confirm-dialog";
import { SelectField } from "~/components/ui/field";
import { LocalTime } from "~/components/ui/local-time";
import { ListSkeleton } from "~/components/ui/spinner";
import { RetryAlert } from "~/components/ui/retry-alert";
import { errorMessage } from "~/lib/errors";
import { initials } from "~/lib/format";
import { assignableRoles, atLeast, canManageMember, ROLE_LABEL, ROLE_ORDER } from "~/lib/roles";
import { useTRPC } from "~/trpc/react";

type Pending = { kind: "role"; member: Member; role: Role } | { kind: "remove"; member: Member };
type Notice = { kind: "done"; text: string } | { kind: "requested"; request: GuardedRequestView };

const lowers = (from: Role, to: Role) => ROLE_ORDER.indexOf(to) < ROLE_ORDER.indexOf(from);

export function MemberList({ orgId, myRole, myUserId }: { orgId: string; myRole: Role; myUserId: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const members = useQuery(trpc.members.list.queryOptions({ orgId }));
  const [pending, setPending] = useState<Pending | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const invalidate = () =>
    Promise.all([qc.invalidateQueries({ queryKey: trpc.members.list.queryKey({ orgId }) }), qc.invalidateQueries({ queryKey: trpc.guard.list.queryKey({ orgId }) })]);

  const changeRole = useMutation(trpc.members.changeRole.mutationOptions({ onSuccess: invalidate }));
  const remove = useMutation(trpc.members.remove.mutationOptions({ onSuccess: invalidate }));
  const guardian = useMutation(trpc.guard.setGuardian.mutationOptions({ onSuccess: invalidate }));
  const isAdmin = atLeast(myRole, "admin");
  const active = pending?.kind === "role" ? changeRole : remove;

  function close() {
    setPending(null);
    changeRole.reset();
    remove.reset();
  }

  function confirm() {
    if (!pending) return;
    const who = pending.member.name ?? pending.member.email;
    if (pending.kind === "role") {
      const role = pending.role;
      changeRole.mutate(
        { orgId, userId: pending.member.userId, role },
        {
          onSuccess: (res) => {
            setNotice(res.outcome === "requested" ? { kind: "requested", request: res.request } : { kind: "done", text: `${who} is now ${ROLE_LABEL[role].toLowerCase()}.` });
            setPending(null);
          },
        },
      );
    } else {
      remove.mutate({ orgId, userId: pending.member.userId }, { onSuccess: (request) => (setNotice({ kind: "requested", request }), setPending(null)) });
    }
  }

  function toggleGuardian(m: Member) {
    const who = m.name ?? m.email;
    setNotice(null);
    guardian.mutate(
      { orgId, userId: m.userId, guardian: !m.guardian },
      {
        onSuccess: (res) =>
          setNotice(res.outcome === "requested" ? { kind: "requested", request: res.request } : { kind: "done", text: res.result.guardian ? `${who} is a guardian.` : `${who} is not a guardian.` }),
      },
    );
  }

  if (members.isPending) return <ListSkeleton rows={3} label="Loading members" />;
  if (members.isError) {
    return (
      <div className="p-4 sm:p-6">
        <RetryAlert error={members.error} onRetry={() => void members.refetch()} />
      </div>
    );
  }

  const roles = assignableRoles(myRole);
  const who = pending ? (pending.member.name ?? pending.member.email) : "";
  return (
    <>
      {notice ? (
        <div className="px-4 pt-4 sm:px-6">{notice.kind === "requested" ? <RequestedNotice orgId={orgId} request={notice.request} /> : <Alert tone="success">{notice.text}</Alert>}</div>
      ) : null}
      {guardian.isError ? (
        <div className="px-4 pt-4 sm:px-6">
          <Alert tone="danger" title="The guardian change was not requested">
            {errorMessage(guardian.error)}
          </Alert>
        </div>
      ) : null}
      <ul aria-label="Members" className="divide-y divide-slate-100">
        {members.data.map((m) => {
          const self = m.userId === myUserId;
          const manageable = canManageMember(myRole, m.role, self);
          const display = m.name ?? m.email;
          return (
            <li key={m.id} className="flex flex-wrap items-center gap-x-4 gap-y-3 px-4 py-4 sm:px-6">
              <span aria-hidden="true" className="flex size-10 shrink-0 items-center justify-center rounded-full bg-slate-100 text-sm font-semibold text-slate-700">
                {initials(display)}
              </span>
              <div className="min-w-0 flex-1 basis-48">
                <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-slate-900">
                  <span className="truncate">{display}</span>
                  {self ? <Badge>You</Badge> : null}
                  {m.guardian ? (
                    <Badge tone="info">
                      <Icon name="shield" className="mr-1 size-3.5" />
                      Guardian
                    </Badge>
                  ) : null}
                  {m.mfaEnabled ? (
                    <Badge tone="success">
                      <Icon name="shield" className="mr-1 size-3.5" />
                      2FA
                    </Badge>
                  ) : null}
                </p>
                <p className="truncate text-sm text-slate-500">
                  {m.name ? `${m.email} · ` : ""}joined <LocalTime iso={m.createdAt} mode="date" />
                </p>
              </div>
              <div className="flex flex-wrap items-center gap-2">
                {isAdmin ? (
                  <Button
                    variant="secondary"
                    size="md"
                    onClick={() => toggleGuardian(m)}
                    loading={guardian.isPending && guardian.variables.userId === m.userId}
                    disabled={guardian.isPending}
                    aria-label={`${m.guardian ? "Remove guardian" : "Make guardian"}: ${m.email}`}
                  >
                    {m.guardian ? "Remove guardian" : "Make guardian"}
                  </Button>
                ) : null}
                {manageable ? (
                  <>
                    <SelectField
                      label={`Role for ${display}`}
                      hideLabel
                      value={m.role}
                      onChange={(e) => setPending({ kind: "role", member: m, role: e.target.value as Role })}
                      selectClassName="w-36"
                    >
                      {roles.map((r) => (
                        <option key={r} value={r}>
                          {ROLE_LABEL[r]}
                        </option>
                      ))}
                    </SelectField>
                    <Button variant="danger-ghost" size="md" onClick={() => setPending({ kind: "remove", member: m })} aria-label={`Remove ${display}`}>
                      <Icon name="trash" className="size-4" />
                      <span className="hidden sm:inline">Remove</span>
                    </Button>
                  </>
                ) : (
                  <RoleBadge role={m.role} />
                )}
              </div>
            </li>
          );
        })}
      </ul>
      <ConfirmDialog
        open={pending !== null}
        title={pending?.kind === "remove" ? `Remove ${who}?` : `Change ${who}'s role?`}
        confirmLabel={pending?.kind === "remove" ? "Remove member" : "Change role"}
        tone={pending?.kind === "remove" ? "danger" : "primary"}
        pending={active.isPending}
        error={active.error ? errorMessage(active.error) : null}
        onCancel={close}
        onConfirm={confirm}
      >
        {pending?.kind === "remove" ? (
          <p>
            Removing {who} is a request: another owner, administrator or guardian must approve it, and it runs only after the cooling-off delay. Then they lose
            access to this organisation. Their API keys are not revoked automatically. You can invite them again later.
          </p>
        ) : pending?.kind === "role" ? (
          lowers(pending.member.role, pending.role) ? (
            <p>
              Lowering {who} from {ROLE_LABEL[pending.member.role]} to {ROLE_LABEL[pending.role]} is a request: another owner, administrator or guardian must approve
              it, and it applies only after the cooling-off delay.
            </p>
          ) : (
            <p>
              {who} will change from {ROLE_LABEL[pending.member.role]} to {ROLE_LABEL[pending.role]}. This takes effect on their next request.
            </p>
          )
        ) : null}
      </ConfirmDialog>
    </>
  );
}
