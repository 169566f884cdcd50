import { describe, expect, it } from "vitest";
import { parseAddresses } from "./format";
import { MsMailbox } from "./mailbox";

const plan = { seed: 9, userIndex: 0, email: "ada@contoso.example", count: 60, historyRetention: 100 };

describe("Exchange mailbox change tracking", () => {
  it("reports changes in a folder after a sequence, and removals only for messages that left it", () => {
    const mb = new MsMailbox(plan);
    const start = mb.seq;
    const inbox = [...mb.list("inbox")];
    const [a, b, c] = inbox;
    if (!a || !b || !c) throw new Error("seed 9 should put at least three messages in the Inbox");
    mb.update(a.id, { isRead: !a.isRead });
    mb.move(b.id, "archive");
    mb.delete(c.id);
    const created = mb.insert(Buffer.from("Subject: new\r\n\r\nhi"), "inbox");
    const round = mb.changes("inbox", start, mb.seq, 0) ?? [];
    expect(round.map((e) => e.message?.id ?? `-${e.removedId}`)).toEqual([a.id, `-${b.id}`, `-${c.id}`, created.id]);
    // The archive sees the moved message as a change, with its new folder.
    expect(mb.changes("archive", start, mb.seq, 0)?.map((e) => e.message?.folderKey)).toEqual(["archive"]);
    // Moving it back: no removal for the Inbox any more, one change instead.
    mb.move(b.id, "inbox");
    expect(mb.changes("inbox", start, mb.seq, 0)?.some((e) => e.removedId === b.id)).toBe(false);
    // A cursor past some entries resumes after them.
    expect(mb.changes("inbox", start, mb.seq, round[1]?.seq ?? 0)?.[0]?.removedId).toBe(c.id);
  });

  it("creates, renames and deletes folders: siblings' names unique, Deleted Items first, then purged", () => {
    const mb = new MsMailbox(plan);
    const made = mb.createFolder("root", "Restored");
    if (typeof made === "string") throw new Error(`refused: ${made}`);
    expect(mb.createFolder("root", "RESTORED")).toBe("exists");
    const child = mb.createFolder(made.key, "2019");
    if (typeof child === "string") throw new Error(`refused: ${child}`);
    expect(mb.folder(child.id)?.key).toBe(child.key);
    expect(mb.renameFolder("inbox", "Post")).toBe("wellKnown");
    expect(mb.renameFolder(made.key, "Inbox")).toBe("exists");
    const m = mb.insert(Buffer.from("Subject: kept\r\n\r\nhi"), child.key);
    expect(mb.deleteFolder(made.key)).toBe("moved");
    expect(mb.path(child.key)).toBe("Deleted Items/Restored/2019");
    expect(mb.get(m.id)?.folderKey).toBe(child.key);
    const before = mb.seq;
    expect(mb.deleteFolder(made.key)).toBe("purged");
    expect(mb.folder(made.id)).toBeUndefined();
    expect(mb.folder(child.id)).toBeUndefined();
    expect(mb.get(m.id)).toBeUndefined();
    expect(mb.changes(child.key, before, mb.seq, 0)?.map((e) => e.removedId)).toEqual([m.id]);
    expect(mb.deleteFolder("deleteditems")).toBe("wellKnown");
  });

  it("expires tokens older than the retained removals, and after expireHistory", () => {
    const mb = new MsMailbox({ ...plan, historyRetention: 2 });
    const start = mb.seq;
    const ids = [...mb.list()].slice(0, 3).map((m) => m.id);
    mb.delete(ids[0] ?? "");
    mb.delete(ids[1] ?? "");
    expect(mb.answerable(start)).toBe(true);
    mb.delete(ids[2] ?? "");
    expect(mb.changes("inbox", start, mb.seq, 0)).toBeUndefined();
    const now = mb.seq;
    mb.expireHistory();
    expect(mb.answerable(now)).toBe(false);
    expect(mb.answerable(mb.seq)).toBe(true);
  });

  it("is a pure function of the plan until changed", () => {
    const x = [...new MsMailbox(plan).list()];
    expect([...new MsMailbox(plan).list()]).toEqual(x);
    expect(new Set(x.map((m) => m.id)).size).toBe(60);
    expect(new MsMailbox(plan).get(x[5]?.id ?? "")).toEqual(x[5]);
    expect(new MsMailbox({ ...plan, userIndex: 1 }).get(x[5]?.id ?? "")).toBeUndefined();
  });
});

describe("address lists", () => {
  it("splits on commas outside quotes and angle brackets", () => {
    expect(parseAddresses('"Doe, Jane" <jane@x.org>, bob@y.org, Ann <ann@z.org>')).toEqual([
      { emailAddress: { name: "Doe, Jane", address: "jane@x.org" } },
      { emailAddress: { name: "bob@y.org", address: "bob@y.org" } },
      { emailAddress: { name: "Ann", address: "ann@z.org" } },
    ]);
    expect(parseAddresses(undefined)).toEqual([]);
  });
});
