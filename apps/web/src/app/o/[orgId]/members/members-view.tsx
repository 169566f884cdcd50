"use client";
import type { Role } from "@holdfast/services";
import { Card, CardHeader } from "~/components/ui/card";
import { atLeast } from "~/lib/roles";
import { InvitationsList } from "./invitations-list";
import { InviteForm } from "./invite-form";
import { MemberList } from "./member-list";

export function MembersView({ orgId, myRole, myUserId, closed }: { orgId: string; myRole: Role; myUserId: string; closed: boolean }) {
  const admin = atLeast(myRole, "admin");
  return (
    <div className="space-y-8">
      {/* A closed organisation invites no one (the service answers 409 too); the shell says why. */}
      {admin && !closed ? <InviteForm orgId={orgId} myRole={myRole} /> : null}
      <Card aria-labelledby="members-heading">
        <CardHeader id="members-heading" title="People" description={
            admin
              ? "Change a role, remove someone or choose guardians (people who may approve and cancel requests). Nobody can grant a role above their own; removals, lowered roles and guardian changes wait for a second person's approval."
              : "Ask an admin if someone's access should change."
          } />
        <MemberList orgId={orgId} myRole={myRole} myUserId={myUserId} />
      </Card>
      {admin ? <InvitationsList orgId={orgId} /> : null}
    </div>
  );
}
