"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type FormEvent } from "react";
import type { Role } from "@holdfast/services";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { SelectField, TextField } from "~/components/ui/field";
import { ShownOnceField } from "~/components/ui/shown-once-field";
import { formText } from "~/lib/form";
import { errorMessage, fieldErrorsOf } from "~/lib/errors";
import { assignableRoles, ROLE_DESCRIPTION, ROLE_LABEL } from "~/lib/roles";
import { useTRPC } from "~/trpc/react";

export function InviteForm({ orgId, myRole }: { orgId: string; myRole: Role }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const [role, setRole] = useState<Role>("viewer");
  const [created, setCreated] = useState<{ email: string; link: string } | null>(null);
  const invite = useMutation(
    trpc.members.invite.mutationOptions({
      onSuccess: async (res) => {
        setCreated({ email: res.invitation.email, link: `${window.location.origin}/invite/${res.token}` });
        formRef.current?.reset();
        setRole("viewer");
        await qc.invalidateQueries({ queryKey: trpc.members.invitations.queryKey({ orgId }) });
      },
    }),
  );

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const email = formText(new FormData(e.currentTarget), "email");
    setCreated(null);
    invite.mutate({ orgId, email, role });
  }

  const fields = fieldErrorsOf(invite.error);
  return (
    <Card aria-labelledby="invite-heading">
      <CardHeader id="invite-heading" title="Invite a member" description="They will get a link to join. It works once, for that email address, for 7 days." />
      <CardBody className="space-y-5">
        <form ref={formRef} onSubmit={onSubmit} className="grid grid-cols-1 gap-4 sm:grid-cols-[minmax(0,1fr)_12rem_auto] sm:items-start">
          <TextField label="Email address" name="email" type="email" required autoComplete="off" placeholder="colleague@company.com" error={fields.email} />
          <SelectField label="Role" name="role" value={role} onChange={(e) => setRole(e.target.value as Role)} hint={ROLE_DESCRIPTION[role]} error={fields.role}>
            {assignableRoles(myRole).map((r) => (
              <option key={r} value={r}>
                {ROLE_LABEL[r]}
              </option>
            ))}
          </SelectField>
          <Button type="submit" loading={invite.isPending} className="sm:mt-7">
            Send invitation
          </Button>
        </form>
        {invite.error && !fields.email ? <Alert tone="danger">{errorMessage(invite.error)}</Alert> : null}
        {created ? (
          <Alert
            tone="success"
            title={`Invitation created for ${created.email}`}
            actions={
              <Button variant="ghost" size="sm" onClick={() => setCreated(null)}>
                Done
              </Button>
            }
          >
            <p>Send this link to them. It is shown only once; if it is lost, revoke the invitation and create a new one.</p>
            <ShownOnceField label="Invitation link" value={created.link} copyLabel="Copy link" tone="success" />
          </Alert>
        ) : null}
      </CardBody>
    </Card>
  );
}
