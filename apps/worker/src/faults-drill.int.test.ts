// Reliability drill: backups under injected provider faults — 429 and 503 answers with
// Retry-After at random (seeded) — must complete with every item captured, and must honour
// Retry-After: nothing of the same unit of accounting (a Google user's API, a Graph mailbox) is
// sent before the provider said to come back. Observed on the provider's side of the wire, from
// the sandbox's request log. The worker runs in-process with the real ports (connectors, the
// Postgres-shared limiter, the vault on versitygw); the sandbox runs in-process, HTTPS included
// for Graph.
import { randomBytes, randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { createSandbox, type Sandbox, type TenantSummary } from "@holdfast/sandbox";
import { registerSource } from "@holdfast/services";
import { backupWorkflowIds, type BackupSourceResult } from "@holdfast/workflows/contracts";
import type { TestWorkflowEnvironment } from "@temporalio/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { controlClient, drillSeed, expectEveryItemOnce, googleSource, googleTruth, microsoftTruth, newOrganisation, seededRng, type Control, type GoogleManifest, type MicrosoftManifest } from "../test/drill";
import { checkRetryAfter, type LoggedRequest } from "../test/retry-after";
import { createTestTemporal, startSuiteWorker } from "../test/temporal";
import { sandboxBackupPorts } from "../test/sandbox-ports";
import type { ClosableBackupPorts } from "./backup-ports";
import { type RunningWorker } from "./main";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

/**
 * See checkRetryAfter: another caller's request arriving this soon after the answer may have been
 * admitted before the answer was read — its fence check, bucket and slot (Postgres round trips),
 * token and send take that long on a loaded 2-core machine whose event loop also packs and
 * encrypts the vault's data. The faulted request's own retry gets no allowance, and a client that
 * ignored Retry-After would still be caught by everything it sends in the remaining 1.7 s (the
 * rules ask for 2 s; 1 s for Gmail, whose retries are the strict check).
 */
const IN_FLIGHT_MS = 300;

let t: TestDatabase;
let env: TestWorkflowEnvironment;
let sandbox: Sandbox;
let url: string;
let control: Control;
let ports: ClosableBackupPorts;
let worker: RunningWorker;
let rng: () => number;
const taskQueue = `faults-drill-${randomUUID()}`;

interface FaultRules {
  rules: { id: string; path: string; status?: number; injected: number }[];
}

async function runBackup(sourceId: string, tenantId: string, key: string): Promise<BackupSourceResult> {
  const handle = await env.client.workflow.start("backupSource", {
    taskQueue,
    workflowId: backupWorkflowIds.backupSource(sourceId, key),
    args: [{ tenantId, sourceId, trigger: "on_demand", concurrency: 16 }],
  });
  return (await handle.result()) as BackupSourceResult;
}

/** Faults on, recording on; runs `fn`; faults off; returns the rules as fired and the log. */
async function underFaults<T>(rules: Record<string, unknown>[], fn: () => Promise<T>): Promise<{ result: T; fired: FaultRules; log: LoggedRequest[] }> {
  await control("POST", "/_control/requests", { capacity: 500_000 });
  await control("POST", "/_control/faults", { rules });
  try {
    const result = await fn();
    const fired = await control<FaultRules>("GET", "/_control/faults");
    const { requests, dropped } = await control<{ requests: LoggedRequest[]; dropped: number }>("GET", "/_control/requests");
    expect(dropped).toBe(0);
    return { result, fired, log: requests };
  } finally {
    await control("DELETE", "/_control/faults");
    await control("DELETE", "/_control/requests");
  }
}

function expectRetryAfterHonoured(log: LoggedRequest[], name: string): void {
  const finding = checkRetryAfter(log, IN_FLIGHT_MS);
  const gaps = finding.retryGaps.map((g) => g.gapMs - g.retryAfterMs).sort((a, b) => a - b);
  console.log(
    `[faults-drill] ${name}: ${log.length} requests; answered with Retry-After: ${JSON.stringify(finding.answered)}; ` +
      `retries came ${gaps[0] ?? "-"}…${gaps.at(-1) ?? "-"} ms after the Retry-After elapsed (median ${gaps[Math.floor(gaps.length / 2)] ?? "-"}); violations: ${finding.violations.length}`,
  );
  expect(finding.retryGaps.length).toBeGreaterThan(0);
  expect(
    finding.violations.slice(0, 10).map((v) => `${v.request.method} ${v.request.path} arrived ${v.earlyByMs} ms before the Retry-After (${v.fault.retryAfter} s) of ${v.fault.status} ${v.fault.path} elapsed`),
  ).toEqual([]);
}

beforeAll(async () => {
  [t, env] = await Promise.all([createTestDatabase("faultsdrill"), createTestTemporal()]);
  sandbox = await createSandbox();
  url = await sandbox.listen({ port: 0 });
  control = controlClient(url);
  rng = seededRng(drillSeed("faults-drill"));
  ports = sandboxBackupPorts(t.worker.db, sandbox, url, { workerId: "faults-drill" });
  worker = await startSuiteWorker(env, { db: t.worker.db, taskQueue, backup: ports, restore: ports.restore });
}, 240_000);

afterAll(async () => {
  worker?.shutdown();
  await worker?.done;
  await ports?.close();
  await sandbox?.close();
  await env?.teardown();
  await t?.drop();
});

describe("fault drill", () => {
  it("Google under 429 (Gmail, People) and 503 (Drive) with Retry-After: completes with every item, and honours Retry-After", async () => {
    const src = await googleSource(t, control, { seed: 5150, users: 2, itemsPerUser: 60, driveFilesPerUser: 30, eventsPerUser: 10 });
    const tenant = src.sandboxTenant.id;
    const seed = Math.floor(rng() * 1e9);
    const { result, fired, log } = await underFaults(
      [
        { provider: "google", tenant, method: "GET", path: "/gmail/v1/users/*/messages/*", status: 429, rate: 0.25, retryAfter: 1, seed },
        { provider: "google", tenant, method: "GET", path: "/drive/v3/files/**", status: 503, rate: 0.1, retryAfter: 2, seed: seed + 1 },
        { provider: "google", tenant, method: "GET", path: "/v1/people/*", status: 429, rate: 0.1, retryAfter: 2, seed: seed + 2 },
      ],
      () => runBackup(src.sourceId, src.tenantId, "google-faults"),
    );
    console.log(`[faults-drill] google: faults fired ${fired.rules.map((r) => `${r.status} ${r.path}: ${r.injected}`).join("; ")}`);
    for (const r of fired.rules) expect(r.injected, `${r.status} ${r.path} fired`).toBeGreaterThan(0);
    expect(result).toMatchObject({ status: "completed", failedUnits: 0 });
    const manifest = await control<GoogleManifest>("GET", `/_control/tenants/${tenant}/manifest`);
    await expectEveryItemOnce(t, src, result.runId, googleTruth(manifest));
    expectRetryAfterHonoured(log, "google");
  });

  it("Microsoft 365 under Graph 429 with Retry-After: completes with every item, and honours Retry-After", async () => {
    const ms = await control<TenantSummary & { tenantId: string }>("POST", "/_control/tenants", { provider: "microsoft", seed: 6160, users: 2, itemsPerUser: 25 });
    const redirectUri = "http://localhost:3000/api/auth/callback/azure-ad";
    const app = await control<{ clientId: string; clientSecret: string }>("POST", "/_control/oauth-clients", {
      provider: "microsoft",
      redirectUris: [redirectUri],
      appRoles: ["User.Read.All", "Mail.ReadWrite", "Files.ReadWrite.All", "Sites.ReadWrite.All", "Calendars.ReadWrite", "Contacts.ReadWrite"],
    });
    const consent = new URL(`${url}/microsoft/${ms.tenantId}/v2.0/adminconsent`);
    for (const [k, v] of Object.entries({ client_id: app.clientId, redirect_uri: redirectUri, scope: "https://graph.microsoft.com/.default", state: "s" })) consent.searchParams.set(k, v);
    const approved = await fetch(consent, { headers: { "x-sandbox-consent": "approve" }, redirect: "manual" });
    expect(approved.headers.get("location")).toContain("admin_consent=True");
    const owner = await newOrganisation(t);
    const source = await registerSource(owner, { provider: "microsoft", displayName: ms.domain, credentials: { tenantId: ms.tenantId, clientId: app.clientId, clientSecret: app.clientSecret } });
    const seed = Math.floor(rng() * 1e9);
    const { result, fired, log } = await underFaults(
      [{ provider: "microsoft", tenant: ms.id, method: "GET", path: "/microsoft/graph/v1.0/users/**", status: 429, rate: 0.15, retryAfter: 2, seed }],
      () => runBackup(source.id, owner.tenantId, "microsoft-faults"),
    );
    console.log(`[faults-drill] microsoft: faults fired ${fired.rules.map((r) => `${r.status} ${r.path}: ${r.injected}`).join("; ")}`);
    for (const r of fired.rules) expect(r.injected, `${r.status} ${r.path} fired`).toBeGreaterThan(0);
    expect(result).toMatchObject({ status: "completed", failedUnits: 0 });
    const manifest = await control<MicrosoftManifest>("GET", `/_control/tenants/${ms.id}/manifest`);
    await expectEveryItemOnce(t, { tenantId: owner.tenantId, sourceId: source.id }, result.runId, microsoftTruth(manifest));
    expectRetryAfterHonoured(log, "microsoft");
  });
});
