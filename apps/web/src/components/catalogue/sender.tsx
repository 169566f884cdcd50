import type { ItemVersion } from "@holdfast/services";
import { senderOf, senderRole } from "~/lib/catalogue";

/** `From Ann <ann@example.com>` in a listing row, or nothing when the backup recorded no one. */
export function Sender({ v }: { v: ItemVersion }) {
  const sender = senderOf(v);
  if (!sender) return null;
  return (
    <span className="min-w-0 truncate" title={sender}>
      {senderRole(v.kind)} {sender}
    </span>
  );
}
