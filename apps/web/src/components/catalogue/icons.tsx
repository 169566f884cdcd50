import type { ItemVersion, UnitKind } from "@holdfast/services";
import { cn } from "~/lib/cn";
import { itemIcon, UNIT_KIND_ICON } from "~/lib/catalogue";
import { Icon } from "../icons";

const TILE = "inline-flex size-9 shrink-0 items-center justify-center rounded-lg";

/** A unit's kind as a tile (mailbox, drive, calendar…); decorative, the kind is also written. */
export function UnitIcon({ kind, className }: { kind: UnitKind; className?: string }) {
  return (
    <span aria-hidden="true" className={cn(TILE, "bg-brand-50 text-brand-700", className)}>
      <Icon name={UNIT_KIND_ICON[kind]} className="size-5" />
    </span>
  );
}

/** An item's kind (folder, mail, file, photo…); decorative next to the item's name. */
export function ItemIcon({ version, className }: { version: Pick<ItemVersion, "kind" | "metadata" | "name">; className?: string }) {
  const name = itemIcon(version);
  return <Icon aria-hidden="true" name={name} className={cn("size-5 shrink-0", name === "folder" ? "text-amber-500" : "text-slate-400", className)} />;
}
