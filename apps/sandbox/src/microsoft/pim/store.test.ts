import { describe, expect, it } from "vitest";
import { PimStore } from "./store";

const make = (retention = 100) => new PimStore<{ n: number }>((ord) => `id-${ord}`, retention, [0, 1, 2].map((n) => ({ createdAt: 0, data: { n } })));

describe("PimStore change tracking", () => {
  it("pages a full round by cursor and reports later changes and tombstones in order", () => {
    const s = make();
    const upto = s.seq;
    const all = s.changes(undefined, upto, undefined);
    expect(all.map((e) => e.id)).toEqual(["id-0", "id-1", "id-2"]);
    const first = all[0];
    expect(s.changes(undefined, upto, first ? { seq: first.seq, ord: first.ord } : undefined).map((e) => e.id)).toEqual(["id-1", "id-2"]);
    s.update("id-1", (d) => ({ n: d.n + 10 }));
    s.delete("id-0");
    const created = s.create({ n: 9 });
    const round = s.changes(upto, s.seq, undefined);
    expect(round.map((e) => [e.id, e.item ? "live" : "removed"])).toEqual([
      ["id-1", "live"],
      ["id-0", "removed"],
      [created.id, "live"],
    ]);
    // Changes after the round's upper bound wait for the next round.
    const bound = s.seq;
    s.update("id-2", (d) => d);
    expect(s.changes(upto, bound, undefined).map((e) => e.id)).not.toContain("id-2");
  });

  it("forgets tombstones past retention and on expiry", () => {
    const s = make(1);
    const start = s.seq;
    s.delete("id-0");
    expect(s.answerable(start)).toBe(true);
    s.delete("id-1");
    expect(s.answerable(start)).toBe(false);
    const now = s.seq;
    s.expireHistory();
    expect(s.answerable(now)).toBe(false);
    expect(s.answerable(s.seq)).toBe(true);
  });
});
