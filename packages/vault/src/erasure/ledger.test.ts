// The erasure ledger on the in-memory store: entries name no item, writing is idempotent, objects
// are locked as long as the snapshots that may hold the items, and neither a forged nor a later
// version can bring an erased item back.
import { describe, expect, it } from "vitest";
import { initVault, openVault } from "../vault";
import { MemoryDeletingObjectStore, streamOf } from "../testing";
import { SMALL_CHUNKER, SMALL_PACK, inDays, newKms } from "../test-support/fixtures";
import { VaultError } from "../errors";
import { ERASURE_MIN_LOCK_DAYS, erasureKeyFor } from "./ledger";

const REQ = "0b5e7c1a-7d1e-4c55-9f3e-2a1c0e9d4b11";
const REQ2 = "1c6f8d2b-8e2f-4d66-8a4f-3b2d1f0e5c22";
const EXECUTED = new Date("2026-03-01T12:00:00Z");

async function setup() {
  const store = new MemoryDeletingObjectStore();
  const kms = newKms();
  const { vault, recoveryKey } = await initVault(store, { kms, retention: { days: 1 }, chunker: SMALL_CHUNKER, packTargetSize: SMALL_PACK, workers: 0 });
  const w = await vault.startSnapshot({ source: "src-1", unit: "unit-1", startedAt: new Date(), retainUntil: inDays(30) });
  await w.putItem("mail/secret-subject.eml", streamOf(new TextEncoder().encode("erase me")), { externalId: "msg-1", kind: "message", path: "mail/secret-subject.eml" });
  await w.putItem("mail/keep.eml", streamOf(new TextEncoder().encode("keep me")), { externalId: "msg-2", kind: "message", path: "mail/keep.eml" });
  const snapshot = await w.commit();
  return { store, kms, vault, recoveryKey, snapshot };
}

describe("erasure ledger", () => {
  it("records an erasure that a recovery-key reader matches by unit and external id, without naming the item", async () => {
    const { store, vault, recoveryKey, snapshot } = await setup();
    const r = await vault.recordErasure(REQ, { executedAt: EXECUTED, items: [{ unit: "unit-1", externalId: "msg-1" }] });
    expect(r).toMatchObject({ key: `erasures/${REQ}.json`, written: true });
    const body = new TextDecoder().decode(await store.get(r.key));
    expect(body).not.toContain("msg-1");
    expect(body).not.toContain("secret-subject");
    expect(body).not.toContain("unit-1");

    const reader = await openVault(store, { recoveryKey, workers: 0 });
    const erased = await reader.erasedItems();
    const items = (await reader.readSnapshot(snapshot)).items;
    const hit = items.map((i) => [i.path, erased.match("unit-1", i.meta)?.requestId ?? null]);
    expect(hit).toEqual([
      ["mail/keep.eml", null],
      ["mail/secret-subject.eml", REQ],
    ]);
    // Same external id in another unit is another item.
    expect(erased.match("unit-2", { externalId: "msg-1" })).toBeNull();
    expect(erased.match("unit-1", {})).toBeNull();
    expect(erased.requests).toEqual([{ requestId: REQ, executedAt: EXECUTED }]);
    expect(erased.problems).toEqual([]);
  });

  it("is idempotent: recording the same request again writes nothing", async () => {
    const { store, vault } = await setup();
    const input = { executedAt: EXECUTED, items: [{ unit: "unit-1", externalId: "msg-1" }] };
    expect((await vault.recordErasure(REQ, input)).written).toBe(true);
    const puts = store.puts;
    expect((await vault.recordErasure(REQ, input)).written).toBe(false);
    expect(store.puts).toBe(puts);
    expect(store.objects.get(erasureKeyFor(REQ))).toHaveLength(1);
  });

  it("locks the object at least as long as config (every live snapshot) and the minimum, and later commits raise it", async () => {
    const { store, vault } = await setup();
    const r = await vault.recordErasure(REQ, { executedAt: new Date(), items: [{ unit: "unit-1", externalId: "msg-1" }] });
    const lock = (await store.head(r.key))?.retainUntil as Date;
    expect(lock.getTime()).toBeGreaterThanOrEqual(Date.now() + (ERASURE_MIN_LOCK_DAYS - 1) * 86_400_000);
    // The GC identity cannot delete it.
    const v = store.objects.get(r.key)?.[0]?.versionId as string;
    await expect(store.deleteVersion(r.key, v)).rejects.toThrow(/Object Lock/);
    // A snapshot retained beyond the ledger's lock raises it.
    const far = inDays(ERASURE_MIN_LOCK_DAYS + 400);
    const w = await vault.startSnapshot({ source: "src-1", unit: "unit-1", startedAt: new Date(), retainUntil: far });
    await w.putItem("x", streamOf(new Uint8Array([1])), {});
    await w.commit();
    expect((await store.head(r.key))?.retainUntil?.getTime()).toBe(far.getTime());
  });

  it("takes config's lock when it is later than the minimum", async () => {
    const { store, vault } = await setup();
    const far = inDays(ERASURE_MIN_LOCK_DAYS + 100);
    await store.extendRetention("config", far);
    const r = await vault.recordErasure(REQ, { executedAt: new Date(), items: [{ unit: "unit-1", externalId: "msg-1" }] });
    expect(r.retainUntil.getTime()).toBe(far.getTime());
    expect((await store.head(r.key))?.retainUntil?.getTime()).toBe(far.getTime());
  });

  it("ignores forged versions, and a later version without the entries does not un-erase", async () => {
    const { store, vault, recoveryKey } = await setup();
    await vault.recordErasure(REQ, { executedAt: EXECUTED, items: [{ unit: "unit-1", externalId: "msg-1" }] });
    // An intruder with the writer's credentials overwrites it with a hand-made, empty ledger.
    const forged = JSON.stringify({ payload: JSON.stringify({ format: "holdfast-erasure-v1", vaultId: vault.vaultId, requestId: REQ, executedAt: EXECUTED.toISOString(), entries: [] }), mac: "0".repeat(64) });
    await store.put(erasureKeyFor(REQ), new TextEncoder().encode(forged), { retainUntil: inDays(1) });
    await store.put(erasureKeyFor(REQ2), new TextEncoder().encode("garbage"), { retainUntil: inDays(1) });
    const reader = await openVault(store, { recoveryKey, workers: 0 });
    const erased = await reader.erasedItems();
    expect(erased.match("unit-1", { externalId: "msg-1" })?.requestId).toBe(REQ);
    expect(erased.problems.map((p) => [p.key, p.problem])).toEqual([
      [erasureKeyFor(REQ), "MAC does not verify (forged, altered or from another vault)"],
      [erasureKeyFor(REQ2), "not JSON"],
    ]);
    // The writer sees its own entries still authentic: nothing rewritten.
    expect((await vault.recordErasure(REQ, { executedAt: EXECUTED, items: [{ unit: "unit-1", externalId: "msg-1" }] })).written).toBe(false);
  });

  it("does not accept a ledger object of another vault", async () => {
    const a = await setup();
    const b = await setup();
    await a.vault.recordErasure(REQ, { executedAt: EXECUTED, items: [{ unit: "unit-1", externalId: "msg-1" }] });
    const key = erasureKeyFor(REQ);
    await b.store.put(key, await a.store.get(key), { retainUntil: inDays(1) });
    const erased = await b.vault.erasedItems();
    expect(erased.match("unit-1", { externalId: "msg-1" })).toBeNull();
    expect(erased.problems).toHaveLength(1);
  });

  it("refuses bad input naming the problem", async () => {
    const { vault } = await setup();
    await expect(vault.recordErasure("../config", { executedAt: EXECUTED, items: [{ unit: "u", externalId: "x" }] })).rejects.toThrow(/not an erasure request id/);
    await expect(vault.recordErasure(REQ, { executedAt: EXECUTED, items: [] })).rejects.toThrow(VaultError);
    await expect(vault.recordErasure(REQ, { executedAt: EXECUTED, items: [{ unit: "", externalId: "x" }] })).rejects.toThrow(/non-empty unit and externalId/);
    await expect(vault.recordErasure(REQ, { executedAt: new Date("nope"), items: [{ unit: "u", externalId: "x" }] })).rejects.toThrow(/executedAt/);
  });
});
