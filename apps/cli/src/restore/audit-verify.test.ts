// verify-audit's logic on a hand-built chain and digests signed with a fresh key: a clean chain
// passes; an altered event, a rewritten chain, an altered digest and a missing day each fail,
// naming the seq or the day.
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuditEventLine, type AuditObjects, canonicalText, GENESIS_HASH, parseEventsJsonl, verifyAudit } from "./audit-verify";
import { run } from "./program";
import type { OpenVault } from "./types";

const TENANT = "6f1c1f5e-8a4e-4d0b-9a57-3f1e2f3a4b5c";
const { publicKey, privateKey } = generateKeyPairSync("ed25519");
const RAW_KEY = Buffer.from(publicKey.export({ format: "jwk" }).x ?? "", "base64url").toString("base64");
const sha = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

/** Events on three days: 2 on the 1st, none on the 2nd, 3 on the 3rd (hashes as docs/audit-chain.md says). */
function chain(): AuditEventLine[] {
  const at = ["2026-03-01T09:00:00.000001Z", "2026-03-01T23:59:59.999999Z", "2026-03-03T00:00:00.000000Z", "2026-03-03T10:00:00.5Z", "2026-03-03T11:00:00.000000Z"];
  const out: AuditEventLine[] = [];
  let prev = GENESIS_HASH;
  at.forEach((occurredAt, i) => {
    const e: AuditEventLine = {
      tenantId: TENANT,
      seq: i + 1,
      occurredAt,
      actorType: i === 0 ? "system" : "user",
      actorId: i === 0 ? null : "u-1",
      action: `thing.${i}`,
      targetType: null,
      targetId: null,
      requestId: i % 2 ? "req-1" : null,
      ip: null,
      metadataText: i === 3 ? '{"note": "ünïcode"}' : "{}",
      prevHash: prev,
      hash: "",
    };
    e.hash = sha(canonicalText(e));
    prev = e.hash;
    out.push(e);
  });
  return out;
}

/** Re-hashes from `from` on, as someone rewriting the chain with database-owner rights would. */
function rehash(events: AuditEventLine[]): AuditEventLine[] {
  let prev = GENESIS_HASH;
  return events.map((e) => {
    const n = { ...e, prevHash: prev };
    n.hash = sha(canonicalText(n));
    prev = n.hash;
    return n;
  });
}

function digest(day: string, fromSeq: number, toSeq: number, eventCount: number, lastHash: string): { day: string; versions: string[] } {
  const payload = JSON.stringify({ format: "holdfast-audit-digest-v1", tenantId: TENANT, day, fromSeq, toSeq, eventCount, lastHash, publicKey: RAW_KEY, createdAt: "2026-03-04T01:00:00.000Z" });
  return { day, versions: [JSON.stringify({ payload, signature: sign(null, Buffer.from(payload, "utf8"), privateKey).toString("base64") })] };
}

function objects(events: AuditEventLine[]): AuditObjects {
  return {
    signingKey: [JSON.stringify({ format: "holdfast-audit-signing-key-v1", tenantId: TENANT, algorithm: "ed25519", publicKey: RAW_KEY, createdAt: "2026-03-02T01:00:00.000Z" })],
    digests: [digest("2026-03-01", 1, 2, 2, events[1]!.hash), digest("2026-03-02", 3, 2, 0, events[1]!.hash), digest("2026-03-03", 3, 5, 3, events[4]!.hash)],
  };
}

describe("verifyAudit", () => {
  it("passes a chain that matches every signed digest, including a day with no events", () => {
    const events = chain();
    const r = verifyAudit(objects(events), events);
    expect(r.problems).toEqual([]);
    expect(r.days.map((d) => [d.day, d.ok])).toEqual([
      ["2026-03-01", true],
      ["2026-03-02", true],
      ["2026-03-03", true],
    ]);
    expect(r.ok).toBe(true);
  });

  it("fails on an altered event, naming its seq and the days it breaks", () => {
    const good = chain();
    const events = good.map((e) => (e.seq === 2 ? { ...e, action: "nothing.happened" } : e));
    const r = verifyAudit(objects(good), events);
    expect(r.ok).toBe(false);
    expect(r.problems.join("\n")).toMatch(/seq 2: .*hash_mismatch/);
    expect(r.days.find((d) => d.day === "2026-03-01")?.problems.join("\n")).toMatch(/broken at seq 2/);
  });

  it("fails on a chain rewritten consistently from one event on: the signed last hash no longer matches", () => {
    const good = chain();
    const rewritten = rehash(good.map((e) => (e.seq === 4 ? { ...e, metadataText: "{}" } : e)));
    const r = verifyAudit(objects(good), rewritten);
    expect(r.problems).toEqual([]);
    expect(r.days.filter((d) => !d.ok).map((d) => d.day)).toEqual(["2026-03-03"]);
    expect(r.days.find((d) => d.day === "2026-03-03")?.problems.join("\n")).toMatch(/seq 5: its hash .* differs from the signed/);
  });

  it("fails on an altered digest: its signature no longer verifies", () => {
    const events = chain();
    const o = objects(events);
    const d = o.digests[2]!;
    const signed = JSON.parse(d.versions[0]!) as { payload: string; signature: string };
    d.versions = [JSON.stringify({ ...signed, payload: signed.payload.replace('"eventCount":3', '"eventCount":2') })];
    const r = verifyAudit(o, events.slice(0, 4));
    expect(r.ok).toBe(false);
    expect(r.days.find((x) => x.day === "2026-03-03")?.problems).toEqual([expect.stringMatching(/signature does not verify/)]);
  });

  it("fails on a missing day and on events the digests do not have", () => {
    const events = chain();
    const o = objects(events);
    o.digests.splice(1, 1);
    const r = verifyAudit(o, events);
    expect(r.days.find((d) => d.day === "2026-03-02")).toMatchObject({ ok: false, problems: ["no digest for this day in the bucket"] });
    expect(r.ok).toBe(false);
    // An event removed from the end of a digested day.
    const short = verifyAudit(objects(events), events.slice(0, 4));
    expect(short.days.find((d) => d.day === "2026-03-03")?.problems.join("\n")).toMatch(/covers up to seq 5 but the events file ends at seq 4/);
  });

  it("refuses a digest signed by another key, and a key rewritten after the first version", () => {
    const events = chain();
    const o = objects(events);
    const other = generateKeyPairSync("ed25519");
    const otherRaw = Buffer.from(other.publicKey.export({ format: "jwk" }).x ?? "", "base64url").toString("base64");
    o.signingKey.push(o.signingKey[0]!.replace(RAW_KEY, otherRaw));
    const r = verifyAudit(o, events);
    expect(r.problems).toEqual([expect.stringMatching(/signing-key.json was overwritten/)]);
    expect(r.ok).toBe(false);
  });
});

describe("holdfast-restore verify-audit", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "hf-verify-audit-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const noVault: OpenVault = () => Promise.reject(new Error("verify-audit must not open the vault"));

  async function cli(events: AuditEventLine[], o: AuditObjects) {
    const file = join(dir, `events-${Math.random().toString(36).slice(2)}.jsonl`);
    await writeFile(file, events.map((e) => JSON.stringify(e)).join("\n") + "\n");
    let stdout = "";
    let stderr = "";
    const code = await run(["verify-audit", "--events", file, "--bucket", "hf-vault-1", "--endpoint", "http://127.0.0.1:7070"], {
      stdout: (s) => void (stdout += s),
      stderr: (s) => void (stderr += s),
      env: { AWS_ACCESS_KEY_ID: "reader", AWS_SECRET_ACCESS_KEY: "secret" },
      openVault: noVault,
      readAuditObjects: (conn) => (conn.bucket === "hf-vault-1" ? Promise.resolve(o) : Promise.reject(new Error("wrong bucket"))),
    });
    return { code, stdout, stderr };
  }

  it("exits 0 with a verdict per day, without a recovery key", async () => {
    const events = chain();
    const r = await cli(events, objects(events));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^OK {4}2026-03-01 seq 1\.\.2 \(2 events\)$/m);
    expect(r.stdout).toMatch(/audit chain verified: 5 events, 3 daily digests/);
  });

  it("exits 1 naming the day and seq when an event was altered", async () => {
    const good = chain();
    const r = await cli(good.map((e) => (e.seq === 5 ? { ...e, ip: "10.0.0.1" } : e)), objects(good));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL {2}2026-03-03 .*broken at seq 5/);
    expect(r.stderr).toMatch(/does not match its signed digests/);
  });

  it("names the line of a malformed events file", () => {
    expect(() => parseEventsJsonl('{"seq": 1}\n')).toThrow(/line 1: field "tenantId"/);
  });
});
