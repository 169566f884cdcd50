// Gmail against the in-process sandbox: discovery, full and incremental enumeration checked
// against the manifest, resync, Retry-After, a revoked delegation, restore and conflicts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isConnectorError } from "../core/errors";
import { MemoryLimiterStore, Throttle } from "../core/throttle";
import type { DiscoveredUnit, ItemDescriptor, UnitConnector } from "../core/types";
import { bytesOf, drain, startGoogleSandbox, type GoogleSandbox } from "./test-sandbox";
import { sha256Hex } from "./transform";
import { once } from "./units";

interface MailManifest {
  units: { id: string; email: string; historyId: string; labels: { id: string; name: string; type: string }[]; items: { id: string; labelIds: string[]; sha256: string; size: number }[] }[];
}

let sb: GoogleSandbox;
let units: DiscoveredUnit[];
let gmail: UnitConnector;

/** The in-memory store, counting the Retry-After fences the Throttle raises. */
class FenceRecordingStore extends MemoryLimiterStore {
  fencesRaised = 0;
  override raiseFence(key: string, until: number): Promise<void> {
    this.fencesRaised += 1;
    return super.raiseFence(key, until);
  }
}
const upsertsOf = (changes: { op: string }[]) => changes.flatMap((c) => ("item" in c ? [(c as { item: ItemDescriptor }).item] : []));
const manifest = () => sb.control<MailManifest>("GET", `/_control/tenants/${sb.tenant.id}/manifest`);
const mailbox = (m: MailManifest, email: string) => m.units.find((u) => u.email === email)?.items ?? [];
const unitOf = (i: number): DiscoveredUnit => {
  const u = units.find((x) => x.kind === "gmail" && x.owner?.email === sb.tenant.units[i]?.email);
  if (!u) throw new Error(`no gmail unit for user ${i}`);
  return u;
};

beforeAll(async () => {
  sb = await startGoogleSandbox({ seed: 501, users: 3, itemsPerUser: 30 });
  units = await sb.connector.discover();
  gmail = sb.connector.unit("gmail");
});
afterAll(() => sb.close());

describe("discovery", () => {
  it("lists one unit per user and kind, with owner state, and no secrets", () => {
    const users = sb.tenant.units.map((u) => u.email).sort();
    for (const kind of sb.connector.unitKinds.filter((k) => k !== "shared-drive")) {
      const ofKind = units.filter((u) => u.kind === kind);
      expect(ofKind.map((u) => u.owner?.email).sort()).toEqual(users);
      for (const u of ofKind) {
        expect(u.key).toBe(`${kind}:${u.externalId}`);
        expect(u.owner?.state).toBe("active");
      }
    }
    const shared = units.filter((u) => u.kind === "shared-drive");
    expect(shared).toHaveLength(1);
    expect(shared[0]?.attributes?.driveId).toBe(shared[0]?.externalId);
    expect(units.length).toBe(sb.tenant.units.length * 4 + 1);
    expect(() => sb.connector.unit("exchange")).toThrow(/no exchange units/);
    const text = JSON.stringify(units);
    expect(text).not.toContain("PRIVATE KEY");
    expect(text).not.toContain(sb.key.private_key_id);
  });
});

describe("gmail full enumeration", () => {
  it("lists every message of the mailbox, and each raw read hashes as the manifest says", async () => {
    const m = await manifest();
    for (const i of [0, 1]) {
      const unit = unitOf(i);
      const truth = mailbox(m, unit.owner?.email ?? "");
      expect(truth.length).toBe(30);
      const { changes, full, pages } = await drain(gmail, unit, null);
      expect(full).toBe(true);
      expect(pages).toBe(2);
      const items = changes.map((c) => (c.op === "upsert" ? c.item : undefined)).filter((x): x is ItemDescriptor => !!x);
      expect(items.length).toBe(changes.length);
      expect(items.map((x) => x.externalId).sort()).toEqual(truth.map((t) => t.id).sort());
      for (const item of items) {
        const t = truth.find((x) => x.id === item.externalId);
        expect(item.metadata.labelIds).toEqual(t?.labelIds);
        expect(item.path.startsWith("/")).toBe(true);
        const content = await gmail.readItem(unit, item);
        expect(content.contentType).toBe("message/rfc822");
        expect(sha256Hex(await bytesOf(content))).toBe(t?.sha256);
      }
      // Spam and trash are part of the mailbox: they are listed (the seed puts some there).
      expect(items.some((x) => (x.metadata.labelIds as string[]).some((l) => l === "SPAM" || l === "TRASH"))).toBe(true);
    }
  });
});

describe("gmail incremental", () => {
  it("after edit, move, delete and create lists exactly the touched messages", async () => {
    const unit = unitOf(0);
    const email = unit.owner?.email ?? "";
    const before = await drain(gmail, unit, null);
    const versions = new Map(before.changes.map((c) => (c.op === "upsert" ? [c.item.externalId, c.item.version] : ["", ""])));
    const nothing = await drain(gmail, unit, before.cursor);
    expect(nothing.changes).toEqual([]);
    expect(nothing.full).toBe(false);

    const touched: { id: string; action: string }[] = [];
    for (const kind of ["edit", "move", "delete", "create"]) {
      const r = await sb.control<{ touched: { unit: string; id: string; action: string }[] }>("POST", `/_control/tenants/${sb.tenant.id}/mutations`, { kind, fraction: 0.15, seed: 7, units: [email] });
      touched.push(...r.touched);
    }
    expect(touched.map((t) => t.action).sort()).toEqual(expect.arrayContaining(["created", "deleted", "edited", "moved"]));

    const after = await drain(gmail, unit, before.cursor);
    const deletedIds = touched.filter((t) => t.action === "deleted").map((t) => t.id);
    const upsertIds = [...new Set(touched.filter((t) => t.action !== "deleted" && !deletedIds.includes(t.id)).map((t) => t.id))];
    expect(after.changes.filter((c) => c.op === "delete").map((c) => (c.op === "delete" ? c.externalId : "")).sort()).toEqual([...deletedIds].sort());
    const upserts = after.changes.flatMap((c) => (c.op === "upsert" ? [c.item] : []));
    expect(upserts.map((i) => i.externalId).sort()).toEqual(upsertIds.sort());
    // A label change is a new version of the same message; a new message has a version of its own.
    for (const item of upserts) expect(item.version).not.toBe(versions.get(item.externalId));

    const m = await manifest();
    const truth = new Map(mailbox(m, email).map((t) => [t.id, t]));
    for (const item of upserts) expect(item.metadata.labelIds).toEqual(truth.get(item.externalId)?.labelIds);
    expect(await drain(gmail, unit, after.cursor).then((r) => r.changes)).toEqual([]);
  });

  it("after expire-history answers resync_required, then a full enumeration starts over", async () => {
    const unit = unitOf(1);
    const { cursor } = await drain(gmail, unit, null);
    // One change after the cursor: the sandbox expires ids *below* its current one, so a cursor
    // that is still the newest id stays answerable.
    await sb.control("POST", `/_control/tenants/${sb.tenant.id}/mutations`, { kind: "create", fraction: 0.04, seed: 3, units: [unit.owner?.email] });
    await sb.control("POST", `/_control/tenants/${sb.tenant.id}/expire-history`, { units: [unit.owner?.email] });
    const err = await gmail.listChanges(unit, cursor).catch((e: unknown) => e);
    expect(isConnectorError(err, "resync_required")).toBe(true);
    const again = await drain(gmail, unit, null);
    expect(again.full).toBe(true);
    expect(again.changes.length).toBe(mailbox(await manifest(), unit.owner?.email ?? "").length);
  });
});

describe("gmail throttling and credentials", () => {
  it("waits out a 429 with Retry-After and then succeeds", async () => {
    const unit = unitOf(2);
    const { rules: [rule] } = await sb.control<{ rules: { id: string }[] }>("POST", "/_control/faults", { provider: "google", path: "/gmail/v1/users/*/messages", method: "GET", status: 429, retryAfter: 1, times: 1 });
    const started = Date.now();
    const page = await gmail.listChanges(unit, null, { pageSize: 10 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(page.changes.length).toBe(10);
    const { rules } = await sb.control<{ rules: { id: string; injected: number }[] }>("GET", "/_control/faults");
    expect(rules.find((r) => r.id === rule?.id)?.injected).toBe(1);
    await sb.control("DELETE", `/_control/faults/${rule?.id}`);
  });

  it("paces requests to the per-user quota units so the provider never refuses one", async () => {
    const unit = unitOf(2);
    // The sandbox's Gmail quota, cut down to 300 units per minute for this tenant.
    await sb.control("PUT", `/_control/tenants/${sb.tenant.id}/throttling`, { unitsPerUserPerMinute: 300, windowSeconds: 60 });
    try {
      // Unpaced (the default 15,000/min) it runs into the provider's 429 within a few calls.
      const unpaced = sb.connect({ throttle: new Throttle({ store: new MemoryLimiterStore(), maxWaitMs: 1000 }) });
      const items = upsertsOf((await unpaced.unit("gmail").listChanges(unit, null, { pageSize: 5 })).changes);
      const refused = await (async () => {
        for (let i = 0; i < 80; i++) await unpaced.unit("gmail").readItem(unit, items[i % items.length] as ItemDescriptor);
      })().catch((e: unknown) => e);
      expect(isConnectorError(refused, "rate_limited")).toBe(true);

      // Paced at the same 300 units/min, a fresh window is spent without a single refusal.
      await sb.control("PUT", `/_control/tenants/${sb.tenant.id}/throttling`, { unitsPerUserPerMinute: 300, windowSeconds: 60 });
      const store = new FenceRecordingStore();
      const paced = sb.connect({ gmailUnitsPerUserPerMinute: 300, throttle: new Throttle({ store, maxWaitMs: 60_000 }) });
      const started = Date.now();
      const page = await paced.unit("gmail").listChanges(unit, null, { pageSize: 5 });
      for (const item of upsertsOf(page.changes)) await paced.unit("gmail").readItem(unit, item);
      // 1 + 1 + 5 + 5×5 + 5×5 = 57 units: 25 of burst, the rest at (300 − 25) / 60 units per second.
      expect(Date.now() - started).toBeGreaterThanOrEqual(6_000);
      expect(store.fencesRaised).toBe(0);
    } finally {
      await sb.control("PUT", `/_control/tenants/${sb.tenant.id}/throttling`, {});
    }
  });

  it("reports disconnected when the domain-wide delegation no longer covers the connector", async () => {
    const narrowKey = await sb.control<Record<string, unknown>>("POST", `/_control/tenants/${sb.tenant.id}/service-accounts`, {
      delegatedScopes: ["https://www.googleapis.com/auth/admin.directory.user.readonly"],
    });
    const c = sb.connect({ serviceAccountKey: narrowKey });
    const err = await c.unit("gmail").listChanges(unitOf(2), null).catch((e: unknown) => e);
    expect(isConnectorError(err, "disconnected")).toBe(true);
    expect(String((err as Error).message)).not.toContain("PRIVATE KEY");
  });

  it("reports disconnected when the grant is revoked (API 401, token endpoint invalid_grant)", async () => {
    const c = sb.connect();
    const unit = unitOf(2);
    await c.unit("gmail").listChanges(unit, null, { pageSize: 5 });
    const { rules: [rule] } = await sb.control<{ rules: { id: string }[] }>("POST", "/_control/faults", { provider: "google", tenant: sb.tenant.id, kind: "revokedToken" });
    try {
      const err = await c.unit("gmail").listChanges(unit, null, { pageSize: 5 }).catch((e: unknown) => e);
      expect(isConnectorError(err, "disconnected")).toBe(true);
      expect(JSON.stringify(err) + String((err as Error).message) + String((err as Error).cause)).not.toMatch(/ya29\.[\w-]{6}|PRIVATE KEY/);
    } finally {
      await sb.control("DELETE", `/_control/faults/${rule?.id}`);
    }
  });
});

describe("gmail restore", () => {
  it("brings deleted messages back byte for byte with their labels, and leaves one that is present as it was", async () => {
    const unit = unitOf(1);
    const email = unit.owner?.email ?? "";
    const { changes } = await drain(gmail, unit, null);
    const items = changes.flatMap((c) => (c.op === "upsert" ? [c.item] : []));
    const saved = new Map<string, Buffer>();
    for (const item of items) saved.set(item.externalId, await bytesOf(await gmail.readItem(unit, item)));
    const truthBefore = mailbox(await manifest(), email);

    const r = await sb.control<{ touched: { id: string; action: string }[] }>("POST", `/_control/tenants/${sb.tenant.id}/mutations`, { kind: "delete", fraction: 0.3, seed: 11, units: [email] });
    const deleted = r.touched.filter((t) => t.action === "deleted").map((t) => t.id);
    expect(deleted.length).toBeGreaterThan(2);
    expect(mailbox(await manifest(), email).length).toBe(truthBefore.length - deleted.length);

    const target = { unit, conflict: "skip" as const, copyFolder: "Restored by Holdfast" };
    for (const id of deleted) {
      const item = items.find((i) => i.externalId === id);
      const raw = saved.get(id);
      if (!item || !raw) throw new Error(`no backup of ${id}`);
      const res = await gmail.writeItem(target, item, { body: once(raw), contentType: "message/rfc822" });
      expect(res.outcome).toBe("created");
      expect(res.externalId).toBeDefined();
    }
    const after = mailbox(await manifest(), email);
    const key = (t: { sha256: string; labelIds: string[] }) => `${t.sha256} ${[...t.labelIds].sort().join(",")}`;
    expect(after.map(key).sort()).toEqual(truthBefore.map(key).sort());

    // A message that is still there as it was backed up: nothing to do whatever the policy.
    const present = items.find((i) => !deleted.includes(i.externalId) && !(i.metadata.labelIds as string[]).includes("SPAM"));
    if (!present) throw new Error("no surviving message");
    const raw = saved.get(present.externalId) ?? Buffer.alloc(0);
    for (const conflict of ["skip", "copy", "replace"] as const) {
      const res = await gmail.writeItem({ ...target, conflict }, present, { body: once(raw), contentType: "message/rfc822" });
      expect(res).toMatchObject({ outcome: "skipped", externalId: present.externalId, reason: "the message is in the mailbox as it was backed up" });
    }
    expect(mailbox(await manifest(), email).length).toBe(truthBefore.length);
  });

  it("a moved message: skip leaves it, copy imports it under the copy label, replace makes its labels exactly the backed-up ones", async () => {
    const unit = unitOf(1);
    const email = unit.owner?.email ?? "";
    const items = upsertsOf((await drain(gmail, unit, null)).changes);
    const moved = await sb.control<{ touched: { id: string; added: string[]; removed: string[] }[] }>("POST", `/_control/tenants/${sb.tenant.id}/mutations`, { kind: "move", fraction: 0.3, seed: 12, units: [email] });
    const t = moved.touched.find((x) => items.some((i) => i.externalId === x.id) && x.removed.length > 0);
    const item = items.find((i) => i.externalId === t?.id);
    if (!t || !item) throw new Error("no message moved out of a label");
    const raw = await bytesOf(await gmail.readItem(unit, item));
    const target = { unit, conflict: "skip" as const, copyFolder: "Restored by Holdfast" };
    const content = () => ({ body: once(raw), contentType: "message/rfc822" });
    const now = () => mailbox(m, email).find((x) => x.id === item.externalId);
    let m = await manifest();
    const movedLabels = now()?.labelIds;

    const skipped = await gmail.writeItem(target, item, content());
    expect(skipped).toMatchObject({ outcome: "skipped", externalId: item.externalId, reason: expect.stringMatching(/labels changed since the backup/) as unknown });
    m = await manifest();
    expect(now()?.labelIds).toEqual(movedLabels);

    const copied = await gmail.writeItem({ ...target, conflict: "copy" }, item, content());
    expect(copied.outcome).toBe("copied");
    m = await manifest();
    const copy = mailbox(m, email).find((x) => x.id === copied.externalId);
    expect(copy?.sha256).toBe(sha256Hex(raw));
    expect(copy?.labelIds).toContain(m.units.find((u) => u.email === email)?.labels.find((l) => l.name === "Restored by Holdfast")?.id);
    expect(now()?.labelIds).toEqual(movedLabels);

    const replaced = await gmail.writeItem({ ...target, conflict: "replace" }, item, content());
    expect(replaced).toMatchObject({ outcome: "replaced", externalId: item.externalId });
    m = await manifest();
    expect([...(now()?.labelIds ?? [])].sort()).toEqual([...(item.metadata.labelIds as string[])].sort());
  });

  it("a different message with the same Message-ID (ransomware) is a conflict, not the message: replace imports the original", async () => {
    const unit = unitOf(1);
    const email = unit.owner?.email ?? "";
    const g = sb.connect({ messageIdSearch: true }).unit("gmail");
    const items = upsertsOf((await drain(g, unit, null)).changes);
    const saved = new Map<string, Buffer>();
    for (const item of items) saved.set(item.externalId, await bytesOf(await g.readItem(unit, item)));
    const r = await sb.control<{ touched: { id: string; replacedBy: string }[] }>("POST", `/_control/tenants/${sb.tenant.id}/mutations`, { kind: "ransomware", fraction: 0.3, seed: 13, units: [email] });
    // The sandbox's rfc822msgid: misses Message-ID headers followed by a comment; use plain ones.
    const t = r.touched.find((x) => /^message-id:\s*<[^>\r\n]+>[ \t]*\r?$/im.test((saved.get(x.id) ?? Buffer.alloc(0)).toString("latin1")));
    const item = items.find((i) => i.externalId === t?.id);
    const raw = saved.get(t?.id ?? "");
    if (!t || !item || !raw) throw new Error("no encrypted message with a plain Message-ID");
    const target = { unit, conflict: "skip" as const, copyFolder: "Restored by Holdfast" };
    const content = () => ({ body: once(raw), contentType: "message/rfc822" });

    const skipped = await g.writeItem(target, item, content());
    expect(skipped).toMatchObject({ outcome: "skipped", externalId: t.replacedBy, reason: expect.stringMatching(/different message with the same Message-ID/) as unknown });
    const copied = await g.writeItem({ ...target, conflict: "copy" }, item, content());
    expect(copied).toMatchObject({ outcome: "copied", reason: expect.stringMatching(/different message with the same Message-ID/) as unknown });
    const replaced = await g.writeItem({ ...target, conflict: "replace" }, item, content());
    expect(replaced.outcome).toBe("replaced");
    const m = mailbox(await manifest(), email);
    const back = m.find((x) => x.id === replaced.externalId);
    expect(back?.sha256).toBe(sha256Hex(raw));
    expect([...(back?.labelIds ?? [])].sort()).toEqual([...(item.metadata.labelIds as string[])].sort());
    // The intruder's copy is left as it is (a restore deletes nothing).
    expect(m.some((x) => x.id === t.replacedBy)).toBe(true);
    // Once the original is back, it is found by Message-ID and equal bytes: nothing more to do.
    expect(await g.writeItem({ ...target, conflict: "replace" }, item, content())).toMatchObject({ outcome: "skipped", externalId: replaced.externalId });
  });

  it("restores into another mailbox under the copy label, once", async () => {
    const [from, to] = [unitOf(0), unitOf(2)];
    const g = sb.connect({ messageIdSearch: true }).unit("gmail");
    const items = upsertsOf((await drain(g, from, null)).changes);
    const [second] = items.filter((i) => (i.metadata.labelIds as string[]).every((l) => l !== "SPAM" && l !== "TRASH"));
    if (!second) throw new Error("no message outside spam and trash");
    const raw2 = await bytesOf(await g.readItem(from, second));
    const copyFolder = "From a colleague";
    const moved = await g.writeItem({ unit: to, conflict: "skip", copyFolder }, second, { body: once(raw2), contentType: "message/rfc822" });
    expect(moved.outcome).toBe("copied");
    const m = await manifest();
    const theirs = mailbox(m, to.owner?.email ?? "").find((t) => t.id === moved.externalId);
    expect(theirs?.sha256).toBe(sha256Hex(raw2));
    expect(theirs?.labelIds).toContain(m.units.find((u) => u.email === to.owner?.email)?.labels.find((l) => l.name === copyFolder)?.id);
    expect(theirs?.labelIds).not.toContain("INBOX");
    // Restored again (a retried restore), the identical message is found and not imported twice.
    const again = await g.writeItem({ unit: to, conflict: "skip", copyFolder }, second, { body: once(raw2), contentType: "message/rfc822" });
    expect(again).toMatchObject({ outcome: "skipped", externalId: moved.externalId });
  });
});
