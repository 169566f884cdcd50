import { describe, expect, it } from "vitest";
import { Rng } from "./rng";

describe("Rng", () => {
  it("is deterministic per seed and label", () => {
    const a = new Rng("s");
    const b = new Rng("s");
    expect([a.next(), a.int(0, 9), a.next()]).toEqual([b.next(), b.int(0, 9), b.next()]);
    expect(new Rng("s").stream("x").bytes(64)).toEqual(new Rng("s").stream("x").bytes(64));
    expect(new Rng("s").stream("x").bytes(64)).not.toEqual(new Rng("s").stream("y").bytes(64));
    expect(new Rng("s").next()).not.toBe(new Rng("t").next());
  });

  it("keeps int() within bounds", () => {
    const r = new Rng("bounds");
    for (let i = 0; i < 1000; i++) {
      const v = r.int(3, 5);
      expect(v).toBeGreaterThanOrEqual(3);
      expect(v).toBeLessThanOrEqual(5);
    }
  });
});
