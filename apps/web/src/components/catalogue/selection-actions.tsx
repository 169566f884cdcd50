import { Icon } from "~/components/icons";
import { Button } from "~/components/ui/button";

export type SelectionMode = "restore" | "export";

/** "Restore selected" and "Export selected", both off while nothing is selected. */
export function SelectionActions({ count, onGo }: { count: number; onGo: (mode: SelectionMode) => void }) {
  return (
    <div className="flex w-full gap-2 sm:ml-auto sm:w-auto">
      <Button size="sm" disabled={count === 0} onClick={() => onGo("restore")} className="flex-1 sm:flex-none">
        <Icon name="restore" className="size-4" />
        Restore selected
      </Button>
      <Button variant="secondary" size="sm" disabled={count === 0} onClick={() => onGo("export")} className="flex-1 sm:flex-none">
        <Icon name="download" className="size-4" />
        Export selected
      </Button>
    </div>
  );
}
