import { describe, expect, it } from "vitest";
import { imageType } from "./photo";
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

  it("gives seeded contacts deterministic PNG photos, the rest Google's default photo, and versions photo changes", () => {
    const book = new ContactBook(7, 2, 20, 100);
    const photos = book.live().map((c) => book.photoOf(c));
    expect(new ContactBook(7, 2, 20, 100).live().map((c) => new ContactBook(7, 2, 20, 100).photoOf(c).bytes.toString("hex"))).toEqual(photos.map((p) => p.bytes.toString("hex")));
    const own = photos.filter((p) => !p.isDefault);
    expect(own.length).toBeGreaterThan(5);
    expect(own.length).toBeLessThan(20);
    for (const p of photos) {
      expect(imageType(p.bytes)).toBe("image/png");
      expect(p.contentType).toBe("image/png");
    }
    expect(new Set(own.map((p) => p.bytes.toString("hex"))).size).toBe(own.length);
    const c = book.live()[0];
    if (!c) throw new Error("no contact");
    const start = book.syncPosition;
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    expect(book.setPhoto(c.id, jpeg)?.version).toBe(2);
    expect(book.photoOf(c)).toEqual({ bytes: jpeg, contentType: "image/jpeg", isDefault: false });
    book.setPhoto(c.id, undefined);
    expect(book.photoOf(c).isDefault).toBe(true);
    expect(book.changedSince(start)?.map((x) => x.id)).toEqual([c.id]);
  });
});
