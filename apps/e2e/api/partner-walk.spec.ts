// A partner's script against the deployed stack, over HTTP only: the production console serving
// /api/v1, the worker as its own process on Temporal, the vault on versitygw, and apps/sandbox as
// the customer's Google Workspace. Connect a source through the real consent redirect, back it up,
// lose mail at the provider, back up again, restore as of before the loss and check every message
// is back byte for byte against the provider's ground truth, then export and read one item.
// Then Microsoft 365: admin consent (Graph over the sandbox's HTTPS port) to a first backup whose
// catalogue matches the tenant's messages. serve.ts starts every process; see src/partner.ts.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { control, followJob, mboxMessages, sha256, type Json } from "../src/partner";
import { REPO_ROOT } from "../src/env";
import { bearer, createTenantWithCli, e2eState } from "../src/tenants";

interface GoogleTenant {
  id: string;
  domain: string;
  adminEmail: string;
  units: { id: string; email: string; items: number }[];
}
interface Manifest {
  units: { id: string; email: string; items: { id: string; sha256: string; size: number }[] }[];
  drives: { id: string; kind: string; items: { id: string; trashed: boolean; sha256?: string; sha256Of?: string }[] }[];
}
interface ItemVersion {
  id: string;
  itemId: string;
  unitId: string;
  kind: string;
  path: string;
  name: string;
  parentPath: string;
  contentSha256: string | null;
  itemDeletedAt: string | null;
}
interface Unit {
  id: string;
  kind: string;
  ownerEmail: string | null;
}

test("a partner's script connects Google Workspace, backs up, restores lost mail byte for byte and exports it", async ({ request, baseURL }) => {
  test.setTimeout(180_000);
  const { sandboxUrl } = e2eState();
  const sb = <T>(method: "GET" | "POST", path: string, body?: unknown) => control<T>(request, sandboxUrl, method, path, body);

  // The customer's side: a small Google tenant, and the service account with domain-wide
  // delegation its admin creates for us.
  const google = await sb<GoogleTenant>("POST", "/_control/tenants", { provider: "google", seed: 7301, users: 2, itemsPerUser: 4, driveFilesPerUser: 2 });
  const serviceAccountKey = await sb<Json>("POST", `/_control/tenants/${google.id}/service-accounts`, {});

  // Our side: a tenant and its owner key, made by the operator CLI.
  const tenant = createTenantWithCli("partner");
  const auth = bearer(tenant.apiKey);
  const api = (path: string) => `/api/v1${path}`;

  // 1. The vault, once: the recovery key is answered this one time only.
  const vault = await request.post(api("/vault"), { headers: auth });
  expect(vault.status(), await vault.text()).toBe(201);
  const { recoveryKey } = (await vault.json()) as { recoveryKey: string };
  expect(recoveryKey.length).toBeGreaterThan(16);
  expect((await request.post(api("/vault"), { headers: auth })).status()).toBe(409);
  const vaultView = await request.get(api("/vault"), { headers: auth });
  expect(await vaultView.json()).toMatchObject({ provisioned: true });
  expect(await vaultView.text()).not.toContain(recoveryKey);

  // 2. The source, pending the admin's consent.
  const created = await request.post(api("/sources"), {
    headers: auth,
    data: { provider: "google_workspace", displayName: "Walk domain", google: { serviceAccountKey, adminEmail: google.adminEmail } },
  });
  expect(created.status(), await created.text()).toBe(201);
  const pending = (await created.json()) as { id: string; status: string; authorizeUrl: string };
  expect(pending.status).toBe("pending_consent");
  expect(JSON.stringify(pending)).not.toContain("PRIVATE KEY");
  const sourceId = pending.id;

  // 3. The admin approves at the provider, which redirects to our public callback.
  const approved = await request.get(pending.authorizeUrl, { headers: { "X-Sandbox-Consent": "approve" }, maxRedirects: 0 });
  expect(approved.status(), await approved.text()).toBe(302);
  const callback = approved.headers().location ?? "";
  // Our own callback. Its host is whatever the console derives its public origin from (in
  // `next start`, `localhost` even when reached as 127.0.0.1 — see the report); port and path are ours.
  const back = new URL(callback);
  expect(back.port, callback).toBe(new URL(baseURL ?? "").port);
  expect(back.pathname).toBe("/api/v1/sources/consent/callback");
  expect(back.searchParams.get("code")).toBeTruthy();
  const connected = await request.get(callback);
  expect(connected.status(), await connected.text()).toBe(200);
  const { source, firstBackupJobId } = (await connected.json()) as { source: Json; firstBackupJobId: string };
  expect(source).toMatchObject({ id: sourceId, status: "connected", externalAccountId: google.domain });

  // 4. The first backup runs on the worker; its progress is visible while and after it runs.
  const first = await followJob(request, tenant.apiKey, firstBackupJobId, 90_000);
  expect(first.final, JSON.stringify(first.final)).toMatchObject({ kind: "backup", status: "completed", warningCount: 0 });
  const seededMessages = google.units.reduce((n, u) => n + u.items, 0);
  expect(first.final.progress.itemsDone).toBeGreaterThanOrEqual(seededMessages);
  expect(first.final.progress.bytesDone).toBeGreaterThan(0);
  test.info().annotations.push({ type: "first backup, as polled", description: first.seen.map((j) => `${j.status} ${j.progress.itemsDone} items/${j.progress.bytesDone} B`).join(" → ") });

  const view = (await (await request.get(api(`/sources/${sourceId}`), { headers: auth })).json()) as Json & { units: { total: number; protected: number } };
  expect(view).toMatchObject({ status: "connected", lastRun: { id: firstBackupJobId, status: "completed" } });
  expect(view.units.total).toBeGreaterThanOrEqual(4); // two mailboxes and two drives at least
  expect(view.units.protected).toBe(view.units.total);
  expect(Date.parse(String(view.lastSuccessfulBackupAt))).toBeGreaterThan(0);
  expect(Date.parse(String(view.nextRunAt))).toBeGreaterThan(Date.now());

  const gmailUnits = ((await (await request.get(api(`/sources/${sourceId}/units?kind=gmail`), { headers: auth })).json()) as { items: Unit[] }).items;
  expect(gmailUnits.map((u) => u.ownerEmail).sort()).toEqual(google.units.map((u) => u.email).sort());
  const victim = google.units[0];
  if (!victim) throw new Error("the sandbox tenant has no users");
  const unit = gmailUnits.find((u) => u.ownerEmail === victim.email);
  if (!unit) throw new Error(`no gmail unit for ${victim.email}`);

  // The provider's ground truth before anything is lost.
  const before = await sb<Manifest>("GET", `/_control/tenants/${google.id}/manifest`);
  const truth = before.units.find((u) => u.email === victim.email)?.items ?? [];
  expect(truth.length).toBe(victim.items);
  const truthHashes = truth.map((m) => m.sha256).sort();

  // The users' Drive files are in the catalogue too, each binary one with the SHA-256 of its bytes.
  const binaries = before.drives.filter((d) => d.kind === "myDrive").flatMap((d) => d.items.filter((f) => f.sha256Of === "content" && !f.trashed).map((f) => f.sha256 ?? ""));
  expect(binaries.length).toBeGreaterThan(0);
  const files = ((await (await request.get(api(`/items?sourceId=${sourceId}&kind=file&limit=200`), { headers: auth })).json()) as { items: ItemVersion[] }).items;
  expect(files.map((f) => f.contentSha256)).toEqual(expect.arrayContaining(binaries));

  // 5. Find a message by search, then browse to its folder.
  const listed = await request.get(api(`/items?unitId=${unit.id}&kind=message&limit=200`), { headers: auth });
  expect(listed.status(), await listed.text()).toBe(200);
  const messages = ((await listed.json()) as { mode: string; items: ItemVersion[] }).items;
  expect(messages.map((m) => m.contentSha256).sort()).toEqual(truthHashes);
  const target = messages[0];
  if (!target) throw new Error("no message was backed up");
  const word = target.name.split(/[^\p{L}\p{N}]+/u).sort((a, b) => b.length - a.length)[0] ?? "";
  expect(word.length).toBeGreaterThan(2);
  const found = (await (await request.get(api(`/items?q=${encodeURIComponent(word)}&sourceId=${sourceId}`), { headers: auth })).json()) as { mode: string; items: ItemVersion[] };
  expect(found.mode).toBe("search");
  expect(found.items.map((i) => i.itemId)).toContain(target.itemId);
  const folder = (await (await request.get(api(`/items?unitId=${unit.id}&path=${encodeURIComponent(target.parentPath)}`), { headers: auth })).json()) as { mode: string; items: ItemVersion[] };
  expect(folder.mode).toBe("browse");
  expect(folder.items.map((i) => i.itemId)).toContain(target.itemId);
  const versions = (await (await request.get(api(`/items/${target.itemId}/versions`), { headers: auth })).json()) as { items: ItemVersion[] };
  expect(versions.items.length).toBeGreaterThanOrEqual(1);

  // 6. Mail is lost at the provider.
  const asOf = new Date().toISOString();
  const lost = await sb<{ count: number; touched: { unit: string; id: string; action: string }[] }>("POST", `/_control/tenants/${google.id}/mutations`, { kind: "delete", fraction: 0.5, seed: 11, units: [victim.id], service: "mail" });
  expect(lost.count).toBeGreaterThan(0);
  const afterLoss = await sb<Manifest>("GET", `/_control/tenants/${google.id}/manifest`);
  expect(afterLoss.units.find((u) => u.email === victim.email)?.items.length).toBe(truth.length - lost.count);

  // 7. An on-demand backup, retried safely with the same Idempotency-Key.
  const idem = { ...auth, "Idempotency-Key": randomUUID() };
  const started = await request.post(api(`/sources/${sourceId}/backups`), { headers: idem, data: {} });
  expect(started.status(), await started.text()).toBe(202);
  const { jobId: backupJob } = (await started.json()) as { jobId: string };
  const retried = await request.post(api(`/sources/${sourceId}/backups`), { headers: idem, data: {} });
  expect(retried.status()).toBe(202);
  expect(retried.headers()["idempotent-replayed"]).toBe("true");
  expect(((await retried.json()) as { jobId: string }).jobId).toBe(backupJob);
  const second = await followJob(request, tenant.apiKey, backupJob, 60_000);
  expect(second.final, JSON.stringify(second.final.warnings)).toMatchObject({ kind: "backup", status: "completed" });
  const deleted = (await (await request.get(api(`/items?unitId=${unit.id}&deleted=true`), { headers: auth })).json()) as { items: ItemVersion[] };
  expect(new Set(deleted.items.map((i) => i.itemId)).size).toBe(lost.count);

  // 8. Restore the mailbox as it was before the loss; what still exists is skipped.
  const restore = await request.post(api("/restores"), { headers: auth, data: { unitId: unit.id, asOf, target: { kind: "original" }, conflict: "skip" } });
  expect(restore.status(), await restore.text()).toBe(202);
  const { jobId: restoreJob } = (await restore.json()) as { jobId: string };
  const restored = await followJob(request, tenant.apiKey, restoreJob, 60_000);
  expect(restored.final, JSON.stringify(restored.final.warnings)).toMatchObject({ kind: "restore", status: "completed" });
  const after = await sb<Manifest>("GET", `/_control/tenants/${google.id}/manifest`);
  const now = after.units.find((u) => u.email === victim.email)?.items ?? [];
  // Every message is back, byte-identical, and none twice.
  expect(now.map((m) => m.sha256).sort()).toEqual(truthHashes);

  // 9. An mbox export of the mailbox as of before the loss holds exactly those messages.
  const exp = await request.post(api("/exports"), { headers: auth, data: { unitId: unit.id, asOf, format: "mbox" } });
  expect(exp.status(), await exp.text()).toBe(202);
  const { jobId: exportJob } = (await exp.json()) as { jobId: string };
  const exported = await followJob(request, tenant.apiKey, exportJob, 60_000);
  expect(exported.final.status).toBe("completed");
  const exportView = (await (await request.get(api(`/exports/${exportJob}`), { headers: auth })).json()) as { counts: { exported: number; failed: number }; downloadUrl: string | null };
  expect(exportView.counts).toEqual({ exported: truth.length, failed: 0 });
  expect(exportView.downloadUrl).toBe(`/api/v1/exports/${exportJob}/download`);
  const download = await request.get(api(`/exports/${exportJob}/download`), { headers: auth });
  expect(download.status()).toBe(200);
  expect(download.headers()["content-disposition"]).toMatch(/^attachment/);
  const mbox = mboxMessages(await download.body());
  expect(mbox).toHaveLength(truth.length);
  const expected = new Set(truthHashes);
  const mboxHashes = mbox.map((m) => (expected.has(sha256(m.exact)) ? sha256(m.exact) : sha256(m.withoutAddedNewline))).sort();
  expect(mboxHashes).toEqual(truthHashes);

  // 10. One message's own bytes, as the provider has them.
  const content = await request.get(api(`/items/${target.itemId}/content`), { headers: auth, timeout: 90_000 });
  expect(content.status(), content.status() === 200 ? "" : await content.text()).toBe(200);
  expect(sha256(await content.body())).toBe(target.contentSha256);
  expect(truthHashes).toContain(sha256(await content.body()));

  // Nothing secret reached the console's or the worker's logs: not the service account's private
  // key, not the recovery key, not our API key.
  const privateKey = String(serviceAccountKey.private_key).split("\n")[1] ?? "";
  expect(privateKey.length).toBeGreaterThan(20);
  for (const name of ["web", "worker"]) {
    const log = readFileSync(join(REPO_ROOT, `artifacts/e2e/${name}.log`), "utf8");
    expect(log.length, `${name}.log is empty`).toBeGreaterThan(0);
    for (const secret of [privateKey, recoveryKey, tenant.apiKey]) expect(log.includes(secret), `a secret in ${name}.log`).toBe(false);
  }
});

test("a partner's script connects Microsoft 365 by admin consent and its first backup captures every message", async ({ request, baseURL }) => {
  test.setTimeout(120_000);
  const { sandboxUrl } = e2eState();
  const sb = <T>(method: "GET" | "POST", path: string, body?: unknown) => control<T>(request, sandboxUrl, method, path, body);
  const ms = await sb<{ id: string; tenantId: string; adminEmail: string; units: { email: string; items: number }[] }>("POST", "/_control/tenants", { provider: "microsoft", seed: 7302, users: 2, itemsPerUser: 3 });
  const tenant = createTenantWithCli("partner-ms");
  const auth = bearer(tenant.apiKey);
  expect((await request.post("/api/v1/vault", { headers: auth })).status()).toBe(201);

  const created = await request.post("/api/v1/sources", { headers: auth, data: { provider: "microsoft_365", displayName: "Contoso" } });
  expect(created.status(), await created.text()).toBe(201);
  const pending = (await created.json()) as { id: string; authorizeUrl: string };
  // The customer's Global Administrator signs in (login_hint) and grants the app's permissions.
  const authorize = new URL(pending.authorizeUrl);
  authorize.searchParams.set("login_hint", ms.adminEmail);
  const approved = await request.get(authorize.toString(), { headers: { "X-Sandbox-Consent": "approve" }, maxRedirects: 0 });
  expect(approved.status(), await approved.text()).toBe(302);
  const back = new URL(approved.headers().location ?? "");
  expect(back.port).toBe(new URL(baseURL ?? "").port);
  expect(back.searchParams.get("admin_consent")).toBe("True");
  const connected = await request.get(back.toString());
  expect(connected.status(), await connected.text()).toBe(200);
  const { source, firstBackupJobId } = (await connected.json()) as { source: Json; firstBackupJobId: string };
  expect(source).toMatchObject({ id: pending.id, provider: "microsoft_365", status: "connected", externalAccountId: ms.tenantId });

  const first = await followJob(request, tenant.apiKey, firstBackupJobId, 90_000);
  expect(first.final, JSON.stringify(first.final)).toMatchObject({ kind: "backup", status: "completed", warningCount: 0 });
  const view = (await (await request.get(`/api/v1/sources/${pending.id}`, { headers: auth })).json()) as Json;
  expect(view).toMatchObject({ status: "connected", lastRun: { id: firstBackupJobId, status: "completed" } });

  // Every message at Microsoft is in the catalogue with the SHA-256 of its $value bytes.
  const manifest = await sb<Manifest>("GET", `/_control/tenants/${ms.id}/manifest`);
  const truth = manifest.units.flatMap((u) => u.items.map((m) => m.sha256)).sort();
  expect(truth.length).toBeGreaterThan(0);
  const found = await request.get(`/api/v1/items?sourceId=${pending.id}&kind=message&limit=200`, { headers: auth });
  expect(found.status(), await found.text()).toBe(200);
  const items = ((await found.json()) as { items: ItemVersion[] }).items;
  expect(items.map((i) => i.contentSha256).sort()).toEqual(truth);

  // A message's own bytes come back from the vault exactly as Graph's $value gave them.
  const one = items[0];
  if (!one) throw new Error("no message was backed up");
  const content = await request.get(`/api/v1/items/${one.itemId}/content`, { headers: auth, timeout: 90_000 });
  expect(content.status(), content.status() === 200 ? "" : await content.text()).toBe(200);
  expect(sha256(await content.body())).toBe(one.contentSha256);
});
