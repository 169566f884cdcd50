// Exchange mail against the in-process sandbox: discovery, full enumeration checked against the
// manifest (every message listed, every $value hashing to the manifest's SHA-256), incremental
// rounds after mutations, 410 → resync_required, revoked tokens → disconnected, throttling within
// Graph's per-mailbox limits, and restores with each conflict policy.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drain as drainAll } from "../test-support/drain";
import { isConnectorError } from "../core/errors";
import type { Change, DiscoveredUnit, ItemDescriptor, SourceConnector, UnitConnector } from "../core/types";
import { contentOf, sha256Of, startMicrosoftSandbox, type ManifestUnit, type MsHarness } from "./sandbox-harness";

const drain = (c: UnitConnector, unit: DiscoveredUnit, cursor: string | null, pageSize = 15) => drainAll(c, unit, cursor, pageSize);

let h: MsHarness;
let source: SourceConnector;
let mail: UnitConnector;
let units: DiscoveredUnit[];

interface Touched {
  unit: string;
  id: string;
  action: string;
  drive?: unknown;
  service?: unknown;
  replacedBy?: string;
}

const upserts = (cs: Change[], kind = "message") => cs.flatMap((c) => (c.op === "upsert" && c.item.kind === kind ? [c.item] : []));
const deletes = (cs: Change[]) => cs.flatMap((c) => (c.op === "delete" ? [c.externalId] : []));
const exchangeOf = (email: string) => {
  const u = units.find((x) => x.kind === "exchange" && x.owner?.email === email);
  if (!u) throw new Error(`no exchange unit for ${email}`);
  return u;
};
const manifestUnit = async (email: string): Promise<ManifestUnit> => {
  const u = (await h.manifest()).units.find((x) => x.email === email);
  if (!u) throw new Error(`no manifest unit ${email}`);
  return u;
};
async function mutate(kind: string, fraction: number, seed: number, unit: string): Promise<Touched[]> {
  const r = await h.control<{ touched: Touched[] }>("POST", `/_control/tenants/${h.tenant.id}/mutations`, { kind, fraction, seed, units: [unit] });
  expect(r.status).toBe(200);
  return r.body.touched.filter((t) => t.drive === undefined && t.service === undefined);
}

beforeAll(async () => {
  h = await startMicrosoftSandbox({ seed: 71, users: 3, itemsPerUser: 30 });
  source = h.connector();
  mail = source.unit("exchange");
  units = await source.discover();
});
afterAll(() => h?.close());

describe("discovery", () => {
  it("lists each user's mailbox, OneDrive, calendar and contacts, and the sites' libraries", () => {
    for (const u of h.tenant.units) {
      expect(units.filter((x) => x.owner?.externalId === u.id).map((x) => x.kind).sort()).toEqual(["exchange", "ms-calendar", "ms-contacts", "onedrive"]);
    }
    expect(units.filter((u) => u.kind === "sharepoint")).toHaveLength(3);
  });

  it("lists one mailbox per user with the owner's state", () => {
    const boxes = units.filter((u) => u.kind === "exchange");
    expect(boxes.map((u) => u.owner?.email).sort()).toEqual(h.tenant.units.map((u) => u.email).sort());
    for (const b of boxes) {
      expect(b.key).toBe(`exchange:${b.externalId}`);
      expect(b.owner?.state).toBe("active");
      expect(h.tenant.units.map((u) => u.id)).toContain(b.externalId);
    }
    // Nothing secret travels in a unit.
    expect(JSON.stringify(units)).not.toContain(h.app.clientSecret);
  });
});

describe("full enumeration", () => {
  it("lists every message of the mailbox once, with folder paths, and each $value hashes to the manifest", async () => {
    const email = h.tenant.units[0]!.email;
    const unit = exchangeOf(email);
    const truth = await manifestUnit(email);
    const run = await drain(mail, unit, null);
    expect(run.full).toBe(true);
    expect(run.pages).toBeGreaterThan(2);
    const listed = upserts(run.changes);
    expect(listed.map((i) => i.externalId).sort()).toEqual(truth.items.map((i) => i.id).sort());
    expect(new Set(listed.map((i) => i.externalId)).size).toBe(listed.length);
    const folders = upserts(run.changes, "folder");
    expect(folders.map((f) => f.path.slice(1)).sort()).toEqual(truth.folders.map((f) => f.path).sort());
    for (const item of listed) {
      const t = truth.items.find((x) => x.id === item.externalId)!;
      expect(item.metadata.folder).toBe(t.folder);
      expect(item.path.startsWith(`/${t.folder}/`)).toBe(true);
      const content = await mail.readItem(unit, item);
      expect(content.contentType).toBe("message/rfc822");
      expect((await sha256Of(content)).sha256).toBe(t.sha256);
    }
    expect(run.cursor).not.toContain(h.app.clientSecret);
  });
});

describe("incremental", () => {
  it("after edits, deletes, moves and new mail lists exactly the touched messages", async () => {
    const email = h.tenant.units[1]!.email;
    const unit = exchangeOf(email);
    const first = await drain(mail, unit, null);
    const idle = await drain(mail, unit, first.cursor);
    expect(idle.changes).toEqual([]);
    expect(idle.full).toBe(false);

    const touched = [...(await mutate("edit", 0.15, 1, unit.externalId)), ...(await mutate("delete", 0.1, 2, unit.externalId)), ...(await mutate("move", 0.1, 3, unit.externalId)), ...(await mutate("create", 0.1, 4, unit.externalId))];
    const deleted = touched.filter((t) => t.action === "deleted").map((t) => t.id);
    const changed = touched.filter((t) => t.action !== "deleted" && !deleted.includes(t.id)).map((t) => t.id);
    expect(deleted.length).toBeGreaterThan(0);
    expect(touched.some((t) => t.action === "moved")).toBe(true);

    const next = await drain(mail, unit, idle.cursor);
    expect(next.full).toBe(false);
    expect(deletes(next.changes).sort()).toEqual([...new Set(deleted)].sort());
    expect([...new Set(upserts(next.changes).map((i) => i.externalId))].sort()).toEqual([...new Set(changed)].sort());
    // Moved messages carry their new folder.
    const truth = await manifestUnit(email);
    for (const item of upserts(next.changes)) expect(item.metadata.folder).toBe(truth.items.find((x) => x.id === item.externalId)?.folder);
  });

  it("an expired delta token → resync_required, then a full enumeration from null", async () => {
    const email = h.tenant.units[2]!.email;
    const unit = exchangeOf(email);
    const first = await drain(mail, unit, null);
    expect((await h.control("POST", `/_control/tenants/${h.tenant.id}/expire-history`, {})).status).toBe(200);
    const err = await mail.listChanges(unit, first.cursor).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isConnectorError(err, "resync_required")).toBe(true);
    const again = await drain(mail, unit, null);
    expect(again.full).toBe(true);
    expect(upserts(again.changes).map((i) => i.externalId).sort()).toEqual((await manifestUnit(email)).items.map((i) => i.id).sort());
  });
});

describe("throttling", () => {
  it("waits out ApplicationThrottled 429s and never runs more than 4 requests at once per mailbox", async () => {
    const email = h.tenant.units[0]!.email;
    const unit = exchangeOf(email);
    const observed = { inFlight: 0, max: 0, throttled: 0, concurrency429: 0, tokens: 0 };
    const counting: typeof fetch = async (input, init) => {
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      const mailbox = /\/users\/[^/]+\/(messages|mailFolders)/.test(url);
      if (url.includes("/oauth2/v2.0/token")) observed.tokens += 1;
      if (mailbox) observed.inFlight += 1;
      observed.max = Math.max(observed.max, observed.inFlight);
      try {
        const res = await fetch(input, init);
        if (res.status === 429) {
          observed.throttled += 1;
          if ((await res.clone().text()).includes("MailboxConcurrency")) observed.concurrency429 += 1;
        }
        // The body is read by the caller; count the request done when its headers are in (an upper bound).
        return res;
      } finally {
        if (mailbox) observed.inFlight -= 1;
      }
    };
    // A tight window so the sandbox throttles within the test: 25 requests per 2 s per mailbox.
    expect((await h.control("PUT", `/_control/tenants/${h.tenant.id}/throttling`, { requestsPerWindow: 25, windowSeconds: 2, concurrentRequests: 4 })).status).toBe(200);
    try {
      const throttled = h.connector({ fetch: counting }).unit("exchange");
      const run = await drain(throttled, unit, null, 50);
      const items = upserts(run.changes);
      const truth = await manifestUnit(email);
      // Ten readers at once against one mailbox: the Throttle lets four through.
      const hashes = await Promise.all(items.map(async (item) => [item.externalId, (await sha256Of(await throttled.readItem(unit, item))).sha256] as const));
      for (const [id, sha] of hashes) expect(sha).toBe(truth.items.find((x) => x.id === id)?.sha256);
      expect(observed.throttled).toBeGreaterThan(0);
      expect(observed.concurrency429).toBe(0);
      expect(observed.max).toBeLessThanOrEqual(4);
      // One client-credentials token serves every request while it lives.
      expect(observed.tokens).toBe(1);
    } finally {
      await h.control("PUT", `/_control/tenants/${h.tenant.id}/throttling`, {});
    }
  });
});

describe("transient failures", () => {
  it("a dropped connection and a 503 are retried; a vanished message is not_found", async () => {
    const email = h.tenant.units[2]!.email;
    const unit = exchangeOf(email);
    const [item] = upserts((await mail.listChanges(unit, null, { pageSize: 30 })).changes);
    const rules = await h.control<{ rules?: { id: string }[]; id?: string }>("POST", "/_control/faults", {
      rules: [
        { provider: "microsoft", method: "GET", path: "/microsoft/graph/v1.0/users/*/messages/*/$value", drop: "request", times: 1 },
        { provider: "microsoft", method: "GET", path: "/microsoft/graph/v1.0/users/*/messages/*/$value", status: 503, times: 1 },
      ],
    });
    expect(rules.status).toBe(201);
    try {
      const content = await mail.readItem(unit, item!);
      expect((await sha256Of(content)).sha256).toBe((await manifestUnit(email)).items.find((i) => i.id === item!.externalId)?.sha256);
      const fired = await h.control<{ rules: { injected: number }[] }>("GET", "/_control/faults");
      expect(fired.body.rules.map((r) => r.injected)).toEqual([1, 1]);
    } finally {
      await h.control("DELETE", "/_control/faults");
    }
    expect((await mutate("delete", 1, 7, unit.externalId)).map((t) => t.id)).toContain(item!.externalId);
    const missing = await mail.readItem(unit, item!).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isConnectorError(missing, "not_found")).toBe(true);
  });
});

describe("restore", () => {
  it("recreates deleted messages byte for byte in their folders, and writes nothing for a message already there", async () => {
    const email = h.tenant.units[1]!.email;
    const unit = exchangeOf(email);
    const before = await manifestUnit(email);
    const backup = new Map<string, { item: ItemDescriptor; bytes: Buffer }>();
    for (const item of upserts((await drain(mail, unit, null)).changes)) backup.set(item.externalId, { item, bytes: (await sha256Of(await mail.readItem(unit, item))).bytes });

    const gone = (await mutate("delete", 0.2, 9, unit.externalId)).map((t) => t.id);
    expect(gone.length).toBeGreaterThan(0);
    const target = { unit, conflict: "skip" as const, copyFolder: "Restored by Holdfast 2026-11-27" };
    for (const id of gone) {
      const b = backup.get(id)!;
      const r = await mail.writeItem(target, b.item, contentOf(b.bytes, "message/rfc822"));
      expect(r.outcome).toBe("created");
      expect(r.externalId).toBeTruthy();
    }
    const after = await manifestUnit(email);
    const key = (i: { folder: string; sha256: string; isRead: boolean; flagged: boolean }) => `${i.folder}|${i.sha256}|${i.isRead}|${i.flagged}`;
    expect(after.items.map(key).sort()).toEqual(before.items.map(key).sort());

    // The same message again (what the restore made: another id, the same MIME): nothing to write, whatever the policy.
    const again = backup.get(gone[0]!)!;
    for (const conflict of ["skip", "copy", "replace"] as const) {
      const r = await mail.writeItem({ ...target, conflict }, again.item, contentOf(again.bytes, "message/rfc822"));
      expect(r, conflict).toMatchObject({ outcome: "skipped", reason: "the message is in the mailbox, unchanged" });
    }
    expect((await manifestUnit(email)).items.map(key).sort()).toEqual(before.items.map(key).sort());
  });

  it("a message moved or re-flagged since: skip keeps it, copy writes the backed-up one under the copy folder, replace puts it back", async () => {
    const email = h.tenant.units[1]!.email;
    const unit = exchangeOf(email);
    const backup = new Map<string, { item: ItemDescriptor; bytes: Buffer }>();
    for (const item of upserts((await drain(mail, unit, null)).changes)) backup.set(item.externalId, { item, bytes: (await sha256Of(await mail.readItem(unit, item))).bytes });
    const before = await manifestUnit(email);
    const moved = (await mutate("move", 0.3, 21, unit.externalId)).find((t) => backup.has(t.id));
    if (!moved) throw new Error("the move mutation touched no backed-up message");
    const b = backup.get(moved.id)!;
    const was = before.items.find((i) => i.id === moved.id)!;
    const target = { unit, conflict: "skip" as const, copyFolder: "Restored by Holdfast 2026-11-27" };

    const skipped = await mail.writeItem(target, b.item, contentOf(b.bytes, "message/rfc822"));
    expect(skipped).toMatchObject({ outcome: "skipped", externalId: moved.id });
    expect(skipped.reason).toBe(`the message is still in the mailbox but was moved out of ${was.folder} since; kept as it is`);
    const copied = await mail.writeItem({ ...target, conflict: "copy" }, b.item, contentOf(b.bytes, "message/rfc822"));
    expect(copied.outcome).toBe("copied");
    const afterCopy = await manifestUnit(email);
    expect(afterCopy.items.find((i) => i.id === copied.externalId)).toMatchObject({ folder: `Restored by Holdfast 2026-11-27/${was.folder}`, sha256: was.sha256, isRead: was.isRead, flagged: was.flagged });
    expect(afterCopy.items.find((i) => i.id === moved.id)?.folder).not.toBe(was.folder);

    const replaced = await mail.writeItem({ ...target, conflict: "replace" }, b.item, contentOf(b.bytes, "message/rfc822"));
    expect(replaced).toMatchObject({ outcome: "replaced", externalId: moved.id });
    expect((await manifestUnit(email)).items.find((i) => i.id === moved.id)).toMatchObject({ folder: was.folder, sha256: was.sha256, isRead: was.isRead, flagged: was.flagged });

    // Re-flagged (or read) since: replace sets the state back on the same message.
    const edited = (await mutate("edit", 0.3, 22, unit.externalId)).find((t) => backup.has(t.id));
    if (!edited) throw new Error("the edit mutation touched no backed-up message");
    const e = backup.get(edited.id)!;
    const state = before.items.find((i) => i.id === edited.id)!;
    expect((await mail.writeItem(target, e.item, contentOf(e.bytes, "message/rfc822"))).reason).toMatch(/^the message is still in the mailbox but was (marked (un)?read|(un)?flagged) since; kept as it is$/);
    expect(await mail.writeItem({ ...target, conflict: "replace" }, e.item, contentOf(e.bytes, "message/rfc822"))).toMatchObject({ outcome: "replaced", externalId: edited.id });
    expect((await manifestUnit(email)).items.find((i) => i.id === edited.id)).toMatchObject({ folder: state.folder, isRead: state.isRead, flagged: state.flagged });
  });

  it("a ransomware copy that keeps the Message-ID is not the message: the original is restored beside it, under every policy", async () => {
    const email = h.tenant.units[0]!.email;
    const unit = exchangeOf(email);
    const backup = new Map<string, { item: ItemDescriptor; bytes: Buffer }>();
    for (const item of upserts((await drain(mail, unit, null)).changes)) backup.set(item.externalId, { item, bytes: (await sha256Of(await mail.readItem(unit, item))).bytes });
    const before = await manifestUnit(email);
    const encrypted = (await mutate("ransomware", 0.5, 23, unit.externalId)).filter((t) => backup.has(t.id));
    expect(encrypted.length).toBeGreaterThanOrEqual(3);
    const policies = ["skip", "copy", "replace"] as const;
    for (const [i, conflict] of policies.entries()) {
      const t = encrypted[i]!;
      const b = backup.get(t.id)!;
      const r = await mail.writeItem({ unit, conflict, copyFolder: "Restored by Holdfast 2026-11-27" }, b.item, contentOf(b.bytes, "message/rfc822"));
      expect(r.outcome, conflict).toBe("created");
      const now = await manifestUnit(email);
      const was = before.items.find((x) => x.id === t.id)!;
      expect(now.items.find((x) => x.id === r.externalId), conflict).toMatchObject({ folder: was.folder, sha256: was.sha256 });
      // The intruder's copy is not deleted: a restore deletes nothing.
      expect(now.items.some((x) => x.id === t.replacedBy), conflict).toBe(true);
    }
  });

  it("a wrong client secret is reported as disconnected, without the secret", async () => {
    const err = await h
      .connector({ clientSecret: "not-the-secret-123" })
      .discover()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isConnectorError(err, "disconnected")).toBe(true);
    expect(String((err as Error).message)).toMatch(/invalid_client|AADSTS/);
    expect(String((err as Error).message)).not.toContain("not-the-secret-123");
  });

  it("a revoked grant is reported as disconnected", async () => {
    const unit = exchangeOf(h.tenant.units[0]!.email);
    const fresh = h.connector();
    await fresh.unit("exchange").listChanges(unit, null, { pageSize: 5 });
    expect((await h.control("POST", `/_control/tenants/${h.tenant.id}/revoke-tokens`, {})).status).toBe(200);
    const err = await fresh
      .unit("exchange")
      .listChanges(unit, null, { pageSize: 5 })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isConnectorError(err, "disconnected")).toBe(true);
    expect(String((err as Error).message)).not.toContain(h.app.clientSecret);
  });
});
