// Control-API mutations of an Exchange mailbox, as a user or an intruder would cause them:
// - edit:       read state or follow-up flag toggled (a Graph PATCH; the item's change key moves)
// - move:       to another folder (20 % to Deleted Items, Outlook's soft delete)
// - delete:     permanent deletion
// - ransomware: the message replaced by an "encrypted" copy in the same folder
// - create:     new mail delivered from the corpus into the Inbox
// Selection is hash(seed, kind, id) < fraction, as for Gmail.
import { corpusMessage, corpusSize } from "../../data/corpus";
import { encryptMessage } from "../../data/ransomware";
import { chosen, Rng } from "../../data/random";
import type { MutationInput, TouchedItem } from "../../tenants";
import type { MessageState, MsMailbox } from "./mailbox";

export async function mutateMsMailbox(mb: MsMailbox, unit: string, input: MutationInput): Promise<TouchedItem[]> {
  const touched: TouchedItem[] = [];
  const folderId = (key: string) => mb.folderByKey(key)?.id;
  if (input.kind === "create") {
    const n = input.fraction > 0 ? Math.max(1, Math.round(input.fraction * mb.size)) : 0;
    for (let k = 0; k < n; k++) {
      const corpus = await corpusMessage(Rng.from("ms-create", input.seed, unit, k).int(corpusSize()));
      const m = mb.insert((id, at) => mb.deliver(id, at, corpus), "inbox");
      touched.push({ unit, id: m.id, action: "created", folderId: folderId(m.folderKey) });
    }
    return touched;
  }
  const picked: MessageState[] = [];
  for (const m of mb.list()) if (chosen(input.fraction, input.seed, input.kind, m.id)) picked.push(m);
  for (const m of picked) {
    const rng = Rng.from(`ms-${input.kind}`, input.seed, m.id);
    switch (input.kind) {
      case "delete":
        mb.delete(m.id);
        touched.push({ unit, id: m.id, action: "deleted", folderId: folderId(m.folderKey) });
        break;
      case "edit": {
        const change = rng.chance(0.5) ? { isRead: !m.isRead } : { flagged: !m.flagged };
        mb.update(m.id, change);
        touched.push({ unit, id: m.id, action: "edited", folderId: folderId(m.folderKey), ...change });
        break;
      }
      case "move": {
        const targets = mb.folders.filter((f) => f.key !== m.folderKey && f.key !== "outbox" && f.key !== "drafts");
        const target = rng.chance(0.2) && m.folderKey !== "deleteditems" ? "deleteditems" : rng.pick(targets).key;
        mb.move(m.id, target);
        touched.push({ unit, id: m.id, action: "moved", from: folderId(m.folderKey), folderId: folderId(target) });
        break;
      }
      case "ransomware": {
        const raw = await mb.raw(m.id);
        if (!raw) break;
        mb.delete(m.id);
        const replacement = mb.insert(encryptMessage(raw, rng), m.folderKey, { receivedAt: m.receivedAt, isRead: m.isRead });
        touched.push({ unit, id: m.id, action: "encrypted", replacedBy: replacement.id, folderId: folderId(m.folderKey) });
        break;
      }
    }
  }
  return touched;
}
