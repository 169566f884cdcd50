// Dead-man alerts against a real database and the stack's mailpit: a source whose last backup is
// days old, or whose consent was revoked, opens one alert (emailed to the owners and admins), a
// second check does not email again, and a fresh backup resolves it.
import { randomBytes } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkProtection,
  commitSnapshot,
  finishRun,
  listAuditEvents,
  openSnapshot,
  registerSource,
  signUp,
  startRun,
  syncDiscoveredUnits,
  systemContext,
  tenantsToCheck,
  type TenantContext,
} from "../index";
import { codeOf } from "../test-support";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

const mailApi = (process.env.MAIL_API_URL ?? "http://127.0.0.1:8025").replace(/\/+$/, "");
let t: TestDatabase;
const DAY = 86_400_000;

async function subjects(email: string): Promise<string[]> {
  const res = await fetch(`${mailApi}/api/v1/search?query=${encodeURIComponent(`to:"${email}"`)}&limit=50`);
  const body = (await res.json()) as { messages: { Subject: string }[] };
  return body.messages.map((m) => m.Subject.replace(/^\[Holdfast\] [^:]+: /, "")).sort();
}

async function tenantWithBackup(label: string, lastBackupAt: Date) {
  const email = `${label}-${randomBytes(3).toString("hex")}@example.test`;
  const { userId, organization } = await signUp(t.app.db, { email, password: "a long enough password", organizationName: `${label} Ltd` });
  const owner: TenantContext = { db: t.app.db, tenantId: organization.id, actor: { type: "user", id: userId }, role: "owner" };
  const worker = systemContext(t.worker.db, organization.id, "alerts-test");
  const source = await registerSource(owner, { provider: "google", displayName: `${label}.example`, credentials: { refreshToken: "1//refresh" } });
  const { added } = await syncDiscoveredUnits(worker, { sourceId: source.id, units: [{ kind: "drive", externalId: "d-1", displayName: "Drive 1" }] }, new Date(lastBackupAt.getTime() - 60_000));
  const backupAt = async (at: Date) => {
    const run = await startRun(worker, { sourceId: source.id, trigger: "scheduled", workflowId: `backup:${source.id}:${at.getTime()}` }, at);
    const snap = await openSnapshot(worker, { unitId: added[0]!.id, runId: run.id }, at);
    await commitSnapshot(worker, snap.id, { vaultSnapshotId: `vs-${at.getTime()}`, retainUntil: new Date(at.getTime() + 30 * DAY) }, at);
    await finishRun(worker, run.id, { outcome: "finished" }, at);
  };
  await backupAt(lastBackupAt);
  return { email, owner, worker, sourceId: source.id, backupAt, tenantId: organization.id };
}

beforeAll(async () => {
  t = await createTestDatabase("alerts");
});

afterAll(async () => {
  await t?.drop();
});

describe("dead-man alerts", () => {
  it("a source with no recent backup opens one alert, emailed once, resolved by a fresh backup", async () => {
    const now = new Date();
    const A = await tenantWithBackup("alert-late", new Date(now.getTime() - 4 * DAY));
    expect(await tenantsToCheck(t.worker.db)).toContain(A.tenantId);
    const first = await checkProtection(A.worker, { now });
    expect(first).toEqual({ opened: 1, resolved: 0, open: 1 });
    expect(await checkProtection(A.worker, { now: new Date(now.getTime() + 3_600_000) })).toEqual({ opened: 0, resolved: 0, open: 1 });
    const [opened] = (await listAuditEvents(A.owner, { action: "alert.opened" })).items;
    expect(opened).toMatchObject({ actorType: "system", targetId: A.sourceId });
    expect(["backups_late", "backups_stopped"]).toContain((opened!.metadata as { code: string }).code);
    let mail: string[] = [];
    for (let i = 0; i < 20 && mail.length === 0; i++) {
      mail = await subjects(A.email);
      if (mail.length === 0) await new Promise((r) => setTimeout(r, 250));
    }
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatch(/^backups (are late|have stopped): alert-late\.example$/);

    await A.backupAt(new Date());
    expect(await checkProtection(A.worker)).toEqual({ opened: 0, resolved: 1, open: 0 });
    expect((await listAuditEvents(A.owner, { action: "alert.resolved" })).items).toHaveLength(1);
    for (let i = 0; i < 20 && (await subjects(A.email)).length < 2; i++) await new Promise((r) => setTimeout(r, 250));
    expect((await subjects(A.email)).filter((s) => s.startsWith("resolved: "))).toHaveLength(1);
  });

  it("revoked consent opens its own alert; a healthy source opens none; only the worker checks", async () => {
    const B = await tenantWithBackup("alert-revoked", new Date());
    expect(await checkProtection(B.worker)).toEqual({ opened: 0, resolved: 0, open: 0 });
    await t.owner.pool.query("update sources set status = 'revoked' where id = $1", [B.sourceId]);
    expect(await checkProtection(B.worker)).toEqual({ opened: 1, resolved: 0, open: 1 });
    expect((await listAuditEvents(B.owner, { action: "alert.opened" })).items[0]?.metadata).toMatchObject({ code: "consent_revoked" });
    expect(await codeOf(checkProtection(B.owner))).toBe("FORBIDDEN");
  });
});
