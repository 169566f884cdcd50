import { describe, expect, it } from "vitest";
import { decodeDriveCursor, decodeExchangeCursor, decodePimCursor, encodeCursor, type ExchangeCursor } from "./cursor";

describe("Exchange cursor", () => {
  it("round-trips folders, delta links and a round in progress", () => {
    const c: ExchangeCursor = {
      v: 1,
      folders: { A: ["Inbox"], B: ["Inbox", "Projects"] },
      links: { A: "https://graph.microsoft.com/v1.0/users/u/mailFolders/A/messages/delta?$deltatoken=x" },
      round: { queue: ["B"], next: "https://graph.microsoft.com/v1.0/users/u/mailFolders/B/messages/delta?$skiptoken=y", full: false, seen: ["m1"], removed: ["m2"] },
    };
    expect(decodeExchangeCursor(encodeCursor(c))).toEqual(c);
    const { round: _r, ...done } = c;
    expect(decodeExchangeCursor(encodeCursor(done))).toEqual(done);
  });

  it.each([
    ["not json", /not JSON/],
    ['{"v":2}', /version-1/],
    ['{"v":1,"folders":{"A":"Inbox"},"links":{}}', /folder map/],
    ['{"v":1,"folders":{},"links":{},"round":{"queue":[1],"full":true,"seen":[],"removed":[]}}', /round in progress/],
  ])("rejects %s with invalid", (raw, message) => {
    expect(() => decodeExchangeCursor(raw)).toThrow(message);
    try {
      decodeExchangeCursor(raw);
    } catch (e) {
      expect((e as { code?: string }).code).toBe("invalid");
    }
  });
});

describe("drive and PIM cursors", () => {
  it("round-trip and reject what they are not", () => {
    const d = { v: 1 as const, link: "https://x/delta?token=1", done: true, full: false, folders: { f: ["Documents"] } };
    expect(decodeDriveCursor(encodeCursor(d))).toEqual(d);
    const p = { v: 1 as const, link: "https://x/delta?$deltatoken=1", done: false, full: true };
    expect(decodePimCursor(encodeCursor(p))).toEqual(p);
    expect(() => decodeDriveCursor(encodeCursor(p))).toThrow(/drive cursor/);
    expect(() => decodePimCursor('{"v":1}')).toThrow(/calendar\/contacts cursor/);
  });
});
