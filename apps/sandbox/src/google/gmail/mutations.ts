// Control-API mutations of a mailbox, as a user (or an intruder) would cause them. Gmail
// messages are immutable once stored, so:
// - edit:       a label change (star/unstar, read/unread, add a user label)
// - move:       a folder move in Gmail terms: INBOX → a user label, label → label, or → TRASH
// - delete:     permanent deletion
// - ransomware: the message replaced by an "encrypted" copy (original deleted, a new message
//               with the same headers and an opaque body inserted, same labels)
// - create:     new mail delivered from the corpus
// Selection is deterministic: a message is chosen when hash(seed, id) falls under `fraction`.
import { corpusMessage, corpusSize } from "../../data/corpus";
import { encryptMessage as encrypt } from "../../data/ransomware";
import { chosen, Rng } from "../../data/random";
import type { MutationInput, TouchedItem } from "../../tenants";
import type { Mailbox, MessageMeta } from "./mailbox";

export async function mutateMailbox(mb: Mailbox, unit: string, input: MutationInput): Promise<TouchedItem[]> {
  const touched: TouchedItem[] = [];
  if (input.kind === "create") {
    const n = input.fraction > 0 ? Math.max(1, Math.round(input.fraction * mb.size)) : 0;
    for (let k = 0; k < n; k++) {
      const rng = Rng.from("create", input.seed, unit, k);
      const corpus = await corpusMessage(rng.int(corpusSize()));
      const labels = ["INBOX", "UNREAD", "CATEGORY_PERSONAL"];
      const m = mb.insert((id, at) => mb.deliver(id, at, corpus), labels);
      touched.push({ unit, id: m.id, action: "created", labelIds: m.labelIds });
    }
    return touched;
  }
  const picked: MessageMeta[] = [];
  for (const m of mb.ascending()) if (chosen(input.fraction, input.seed, input.kind, m.id)) picked.push(m);
  for (const m of picked) {
    const rng = Rng.from(input.kind, input.seed, m.id);
    switch (input.kind) {
      case "delete":
        mb.delete(m.id);
        touched.push({ unit, id: m.id, action: "deleted" });
        break;
      case "edit": {
        const change = editFor(m, mb, rng);
        const after = mb.modifyLabels(m.id, change.add, change.remove);
        touched.push({ unit, id: m.id, action: "edited", labelIds: after?.labelIds ?? m.labelIds, added: change.add, removed: change.remove });
        break;
      }
      case "move": {
        const change = moveFor(m, mb, rng);
        const after = mb.modifyLabels(m.id, change.add, change.remove);
        touched.push({ unit, id: m.id, action: "moved", labelIds: after?.labelIds ?? m.labelIds, added: change.add, removed: change.remove });
        break;
      }
      case "ransomware": {
        const raw = await mb.raw(m.id);
        if (!raw) break;
        mb.delete(m.id);
        const replacement = mb.insert(encrypt(raw, rng), m.labelIds, { internalDate: m.internalDate });
        touched.push({ unit, id: m.id, action: "encrypted", replacedBy: replacement.id, labelIds: replacement.labelIds });
        break;
      }
    }
  }
  return touched;
}

function editFor(m: MessageMeta, mb: Mailbox, rng: Rng): { add: string[]; remove: string[] } {
  const options: { add: string[]; remove: string[] }[] = [
    m.labelIds.includes("STARRED") ? { add: [], remove: ["STARRED"] } : { add: ["STARRED"], remove: [] },
    m.labelIds.includes("UNREAD") ? { add: [], remove: ["UNREAD"] } : { add: ["UNREAD"], remove: [] },
  ];
  const free = mb.labels.filter((l) => !m.labelIds.includes(l.id));
  if (free.length) options.push({ add: [rng.pick(free).id], remove: [] });
  return rng.pick(options);
}

function moveFor(m: MessageMeta, mb: Mailbox, rng: Rng): { add: string[]; remove: string[] } {
  const current = mb.labels.find((l) => m.labelIds.includes(l.id));
  const others = mb.labels.filter((l) => l.id !== current?.id);
  if (rng.chance(0.2) || others.length === 0) return { add: ["TRASH"], remove: ["INBOX"] };
  const target = rng.pick(others).id;
  if (m.labelIds.includes("INBOX")) return { add: [target], remove: ["INBOX"] };
  return { add: [target], remove: current ? [current.id] : [] };
}
