import { describe, expect, it } from "vitest";
import { initVault, openVault } from "./vault";
import { verifyVault } from "./verify";
import { MemoryObjectStore, pseudoRandomBytes, streamOf } from "./testing";
import { SMALL_CHUNKER, SMALL_PACK, inDays, newKms } from "./test-support/fixtures";

describe("verifyVault", () => {
  it("passes an intact vault and names a flipped pack and a missing snapshot object", async () => {
    const store = new MemoryObjectStore();
    const kms = newKms();
    const { vault } = await initVault(store, { kms, retention: { days: 1 }, chunker: SMALL_CHUNKER, packTargetSize: SMALL_PACK, workers: 0 });
    const w = await vault.startSnapshot({ source: "s", unit: "u", startedAt: new Date(), retainUntil: inDays(1) });
    await w.putItem("a", streamOf(pseudoRandomBytes(1, 1_500_000)));
    const id = await w.commit();

    const clean = await verifyVault(await openVault(store, { kms, workers: 0 }));
    expect(clean).toMatchObject({ ok: true, snapshots: 1, problems: [] });
    expect(clean.packsChecked).toBe(store.keys("data/").length);
    expect(clean.blobsChecked).toBeGreaterThan(10);

    const victim = store.keys("data/")[1] as string;
    store.tamper(victim, (b) => {
      const c = b.slice();
      c[100] = (c[100] ?? 0) ^ 1;
      return c;
    });
    store.objects.delete(`snapshots/${id}`);
    store.objects.set(`snapshots/${"0".repeat(64)}`, [{ versionId: "x", body: new Uint8Array(10), lastModified: new Date(), retainUntil: inDays(1) }]);
    const report = await verifyVault(await openVault(store, { kms, workers: 0 }));
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.object).sort()).toEqual([victim, `snapshots/${"0".repeat(64)}`].sort());
    expect(report.problems.find((p) => p.object === victim)?.problem).toMatch(/content does not match its name/);
  });
});
