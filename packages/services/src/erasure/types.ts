// Erasing items from backups (issue 7, e.g. a GDPR erasure request): the boundary shapes.
import { z } from "zod";

export const RequestErasureInput = z
  .object({
    /** The catalogue's item ids (from GET /items); every version of each is erased. */
    itemIds: z.array(z.string().uuid("must be item ids (uuids) from the catalogue")).min(1, "name at least one item").max(1000, "at most 1000 items per request"),
    /** Why (e.g. "GDPR request #1234"): shown to the approver and kept with the request. */
    reason: z.string().trim().min(1, "say why the items are erased (e.g. the erasure request's reference)").max(2000, "must be at most 2000 characters"),
  })
  .strict();
export type RequestErasureInput = z.input<typeof RequestErasureInput>;

/** What a reader answers for an erased item: NOT_FOUND with this reason in its details. */
export const ITEM_ERASED = "item_erased";
