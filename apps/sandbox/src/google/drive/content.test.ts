import { describe, expect, it } from "vitest";
import { byteRange, CHUNK, contentSha256, exportBytes, readAll, type Content } from "./content";

const big: Content = { kind: "gen", key: "k", size: 3 * CHUNK + 123, text: false, magic: "%PDF-1.7\n" };

describe("generated content", () => {
  it("is deterministic, starts with its magic and has the declared size", () => {
    const a = readAll(big);
    expect(a.length).toBe(3 * CHUNK + 123);
    expect(a.subarray(0, 8).toString("latin1")).toBe("%PDF-1.7");
    expect(readAll({ ...big }).equals(a)).toBe(true);
    expect(readAll({ ...big, key: "other" }).equals(a)).toBe(false);
  });

  it("serves any byte range across chunk boundaries", () => {
    const all = readAll(big);
    for (const [s, e] of [[0, 0], [CHUNK - 3, CHUNK + 3], [10, 2 * CHUNK + 7], [3 * CHUNK, 3 * CHUNK + 122], [5, 3 * CHUNK + 500]] as const) {
      expect(Buffer.concat([...byteRange(big, s, e)]).equals(all.subarray(s, Math.min(e, all.length - 1) + 1))).toBe(true);
    }
  });

  it("keeps text files printable and hashes natives by their plain-text export", () => {
    const text = readAll({ kind: "gen", key: "t", size: 5000, text: true });
    expect(/^[a-z \n]+$/.test(text.toString("latin1"))).toBe(true);
    const doc: Content = { kind: "doc", key: "d", paragraphs: 4, sheet: false };
    const plain = exportBytes(doc, "text/plain");
    expect(plain?.toString("utf8").startsWith("\uFEFF")).toBe(true);
    expect(exportBytes(doc, "application/pdf")?.subarray(0, 8).toString()).toBe("%PDF-1.4");
    expect(exportBytes(doc, "image/png")).toBeUndefined();
    expect(contentSha256(doc)).toMatch(/^[0-9a-f]{64}$/);
  });
});
