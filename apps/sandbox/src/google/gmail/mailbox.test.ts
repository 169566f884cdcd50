// Determinism and change tracking of a seeded mailbox (reads only the corpus file list).
import { describe, expect, it } from "vitest";
import { LabelError } from "./labels";
import { Mailbox, type MailboxPlan } from "./mailbox";

const plan = (over: Partial<MailboxPlan> = {}): MailboxPlan => ({ seed: 3, userIndex: 1, email: "a@b.example", count: 500, historyRetention: 100, ...over });
const ids = (mb: Mailbox) => [...mb.ascending()].map((m) => m.id);

describe("Mailbox", () => {
  it("is the same for the same seed and different for another", () => {
    expect(ids(new Mailbox(plan()))).toEqual(ids(new Mailbox(plan())));
    expect([...new Mailbox(plan()).ascending()]).toEqual([...new Mailbox(plan()).ascending()]);
    expect(ids(new Mailbox(plan({ seed: 4 })))).not.toEqual(ids(new Mailbox(plan())));
  });

  it("has unique ids increasing with time, and finds each by id", () => {
    const mb = new Mailbox(plan({ count: 2_000 }));
    const all = [...mb.ascending()];
    expect(new Set(all.map((m) => m.id)).size).toBe(2_000);
    for (let i = 1; i < all.length; i++) {
      expect((all[i]?.id ?? "") > (all[i - 1]?.id ?? "")).toBe(true);
      expect(all[i]?.internalDate).toBeGreaterThan(all[i - 1]?.internalDate ?? 0);
    }
    for (const m of [all[0], all[777], all[1_999]]) expect(mb.get(m?.id ?? "")).toEqual(m);
    expect(mb.get("0000000000000000")).toBeUndefined();
  });

  it("pages newest first from any cursor", () => {
    const mb = new Mailbox(plan());
    const desc = [...mb.descending()].map((m) => m.id);
    expect(desc).toEqual(ids(mb).reverse());
    const cursor = desc[99] ?? "";
    expect([...mb.descending(cursor)].map((m) => m.id)).toEqual(desc.slice(100));
  });

  it("records changes in history and expires what it no longer retains", () => {
    const mb = new Mailbox(plan({ historyRetention: 3 }));
    const start = mb.historyId;
    const [a, b] = [...mb.descending()];
    mb.delete(a?.id ?? "");
    const added = mb.insert(Buffer.from("Subject: x\r\n\r\ny"), ["INBOX"]);
    mb.modifyLabels(b?.id ?? "", ["STARRED"], ["INBOX"]);
    // Four records, three retained: the original start is now too old, the next one is not.
    expect(mb.historySince(start)).toBeUndefined();
    expect(mb.historySince(start + 1)?.map((r) => [r.type, r.message.id])).toEqual([
      ["messageAdded", added.id],
      ["labelAdded", b?.id],
      ["labelRemoved", b?.id],
    ]);
    expect(mb.historySince(mb.historyId)).toEqual([]);
    expect(mb.get(a?.id ?? "")).toBeUndefined();
    expect(mb.get(b?.id ?? "")?.labelIds).toContain("STARRED");
    expect(mb.size).toBe(500);
    expect([...mb.descending()][0]?.id).toBe(added.id);
  });

  it("creates labels without changing the seeded messages, and deleting one strips it with history", () => {
    const mb = new Mailbox(plan());
    const before = [...mb.ascending()];
    const n = mb.labels.length;
    const made = mb.createLabel({ name: "Restore/2024" });
    expect(made).toMatchObject({ id: `Label_${n + 1}`, type: "user", labelListVisibility: "labelShow", messageListVisibility: "show" });
    expect([...mb.ascending()]).toEqual(before);
    expect(() => mb.createLabel({ name: "restore/2024" })).toThrow(LabelError);
    expect(() => mb.createLabel({ name: "inbox" })).toThrow(LabelError);
    const seeded = mb.labels[0]?.id ?? "";
    const carrying = before.filter((m) => m.labelIds.includes(seeded)).map((m) => m.id);
    expect(carrying.length).toBeGreaterThan(0);
    const start = mb.historyId;
    expect(mb.deleteLabel(seeded)).toBe(true);
    expect(mb.label(seeded)).toBeUndefined();
    expect([...mb.ascending()].some((m) => m.labelIds.includes(seeded))).toBe(false);
    expect(mb.historySince(start)?.map((r) => [r.type, r.message.id, r.changed])).toEqual(carrying.map((id) => ["labelRemoved", id, [seeded]]));
    expect(mb.createLabel({ name: "Again" }).id).toBe(`Label_${n + 2}`);
  });

  it("expires every cursor issued so far, the current historyId included", () => {
    const mb = new Mailbox(plan());
    const current = mb.historyId;
    expect(mb.historySince(current)).toEqual([]);
    mb.expireHistory();
    expect(mb.historySince(current)).toBeUndefined();
    expect(mb.historyId).toBe(current + 1);
    expect(mb.historySince(mb.historyId)).toEqual([]);
  });
});
