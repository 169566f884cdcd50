import { describe, expect, it } from "vitest";
import { ContactBook } from "./store";

describe("ContactBook", () => {
  it("seeds the same contacts for the same seed and user, different ones for another user", () => {
    const a = new ContactBook(5, 0, 10, 100).live().map((c) => c.id);
    expect(new ContactBook(5, 0, 10, 100).live().map((c) => c.id)).toEqual(a);
    expect(new ContactBook(5, 1, 10, 100).live().map((c) => c.id)).not.toEqual(a);
    expect(new Set(a).size).toBe(10);
  });

  it("reports changes since a sync position, deletions included", () => {
    const book = new ContactBook(1, 0, 3, 100);
    const start = book.syncPosition;
    const created = book.create({ givenName: "A", familyName: "B", emails: [], phones: [] });
    const victim = book.live()[0]?.id ?? "";
    expect(book.delete(victim)).toBe(true);
    expect(book.delete(victim)).toBe(false);
    expect(book.changedSince(start)?.map((c) => [c.id, c.deleted])).toEqual([
      [created.id, false],
      [victim, true],
    ]);
    expect(book.changedSince(book.syncPosition)).toEqual([]);
    expect(book.live()).toHaveLength(3);
  });

  it("expires positions older than the retained log, and all of them on expireHistory", () => {
    const book = new ContactBook(1, 0, 0, 2);
    const start = book.syncPosition;
    for (let i = 0; i < 3; i++) book.create({ givenName: `g${i}`, familyName: "f", emails: [], phones: [] });
    expect(book.changedSince(start)).toBeUndefined();
    const recent = book.syncPosition;
    expect(book.changedSince(recent)).toEqual([]);
    book.expireHistory();
    expect(book.changedSince(recent)).toBeUndefined();
    expect(book.changedSince(book.syncPosition)).toEqual([]);
  });
});
