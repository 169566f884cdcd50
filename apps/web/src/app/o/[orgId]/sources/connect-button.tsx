import { Icon } from "~/components/icons";
import { ButtonLink } from "~/components/ui/button";

/** "Connect a source", for those who may (admins): in the page header and in the empty list. */
export function ConnectSourceButton({ orgId }: { orgId: string }) {
  return (
    <ButtonLink href={`/o/${orgId}/sources/connect`}>
      <Icon name="plus" className="size-4" />
      Connect a source
    </ButtonLink>
  );
}
