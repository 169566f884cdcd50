// pnpm bench:backup — the backup engine against the sandbox (issue 5, "Done when"): items/s per
// unit, the fraction of the provider budget used (target ≥ 85 % without exceeding it), against a
// plain googleapis loop over the same mailboxes under the same budget, the cost of a second backup
// of an unchanged tenant, and restore items/s.
//
// Everything is real but the provider: a fresh Postgres database on the system server, a Temporal
// dev server, the worker in-process with the real ports (as apps/worker/src/backup.int.test.ts
// runs it), the vault on the stack's versitygw, and the sandbox in-process as Google. The sandbox's
// Gmail budget is lowered (PUT /_control/tenants/{id}/throttling) so that it binds within a short
// run, and Holdfast's own limiter is configured to the same budget; what the sandbox charged per
// user and window is read back from /_control/tenants/{id}/throttling/usage, every request it
// served is counted on its HTTP server. Figures go to stdout and bench/results/backup-<date>.json.
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { providersConfig } from "@holdfast/config";
import { createDb } from "@holdfast/db";
import { createTestDatabase } from "@holdfast/db/testing";
import { createSandbox, type ServiceAccountKeyFile, type TenantSummary } from "@holdfast/sandbox";
import { listUnits, registerSource, requestRestore, signUp, systemContext, type TenantContext } from "@holdfast/services";
import { provisionTenantVault } from "@holdfast/services/vaults";
// The worker app has no library exports; the benchmark runs it in-process the way its own
// integration test does (apps/worker/src/backup.int.test.ts).
// eslint-disable-next-line no-restricted-imports -- see above
import { createBackupPorts, type ClosableBackupPorts } from "@holdfast/worker/src/backup-ports";
// eslint-disable-next-line no-restricted-imports -- see above
import { startWorker, type RunningWorker } from "@holdfast/worker/src/worker";
// eslint-disable-next-line no-restricted-imports -- see above
import { workflowsEntryPath } from "@holdfast/worker/src/workflow-source";
import { backupWorkflowIds, restoreWorkflowId, type BackupSourceResult, type BackupUnitResult, type RestoreResult } from "@holdfast/workflows/contracts";
import { TestWorkflowEnvironment } from "@temporalio/testing";
import { bundleWorkflowCode, DefaultLogger, Runtime } from "@temporalio/worker";
import { runPeer, type PeerResult } from "./peer";
import { budgetCeiling, budgetRateUse, budgetUse, unitsPerItem, counterDelta, fixed, isContentDownload, methodDelta, mibPerSecond, pct, perSecond, windowsBetween, type MethodUsage, type UsageWindow } from "./stats";
import { TrafficCounter } from "./traffic";

// eslint-disable-next-line no-restricted-properties -- a benchmark program, not a package: no config preset applies
const penv = process.env;
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const TARGET_FRACTION = 0.85;

const { values: args } = parseArgs({
  // `pnpm bench:backup -- --users 2` hands the script a literal "--" first.
  args: process.argv.slice(2).filter((a, i) => i > 0 || a !== "--"),
  options: {
    users: { type: "string", default: penv.BACKUP_BENCH_USERS ?? "3" },
    messages: { type: "string", default: penv.BACKUP_BENCH_MESSAGES ?? "400" },
    /** Gmail units per user per window set in the sandbox and in Holdfast's limiter for the backups. */
    "units-per-minute": { type: "string", default: penv.BACKUP_BENCH_UNITS ?? "900" },
    "window-seconds": { type: "string", default: "60" },
    /** The restore's budget (default: the sandbox's default, 15,000 units per user per minute). */
    "restore-units-per-minute": { type: "string", default: "15000" },
    "drive-files": { type: "string", default: "10" },
    events: { type: "string", default: "10" },
    seed: { type: "string", default: "5101" },
    "peer-concurrency": { type: "string", default: "8" },
    "peer-pace": { type: "string", default: "0.98" },
    /** Added to every Gmail message request (a sandbox delay rule), for ours and the peer alike: real Gmail answers in tens to hundreds of ms, the sandbox in ~1. */
    "latency-ms": { type: "string", default: "0" },
    "skip-peer": { type: "boolean", default: false },
    "skip-restore": { type: "boolean", default: false },
  },
});

const int = (name: string, v: string | undefined): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${String(v)}`);
  return n;
};
const USERS = int("users", args.users);
const MESSAGES = int("messages", args.messages);
const BUDGET = int("units-per-minute", args["units-per-minute"]);
const WINDOW_S = int("window-seconds", args["window-seconds"]);
const RESTORE_BUDGET = int("restore-units-per-minute", args["restore-units-per-minute"]);
const PEER_CONCURRENCY = int("peer-concurrency", args["peer-concurrency"]);
const PEER_PACE = Number(args["peer-pace"]);
if (!(PEER_PACE > 0 && PEER_PACE <= 1)) throw new Error(`--peer-pace must be in (0, 1], got ${String(args["peer-pace"])}`);

penv.HOLDFAST_KEK ??= randomBytes(32).toString("base64");
penv.TEMPORAL_CLI_PATH ??= join(ROOT, ".tools/bin/temporal");

interface GmailUsage {
  limits: { unitsPerUserPerMinute: number; windowSeconds: number };
  methods: Record<string, MethodUsage>;
  windows: UsageWindow[];
}

const load = () => loadavg().map((l) => Number(l.toFixed(2)));
const log = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);

function table(header: string[], rows: (string | number)[][]): string {
  const all = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  return all.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ")).join("\n");
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadBefore = load();
  log(`backup benchmark — ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}, load ${loadBefore.join(" ")}`);
  log(`Google tenant: ${USERS} users × ${MESSAGES} messages; Gmail budget ${BUDGET} units per user per ${WINDOW_S} s (sandbox and Holdfast's limiter); restore budget ${RESTORE_BUDGET}`);

  const cleanup: (() => Promise<unknown>)[] = [];
  const traffic = new TrafficCounter();
  try {
    // The worker app resolves its own copy of @temporalio/worker (other peer dependencies): quiet both runtimes.
    Runtime.install({ logger: new DefaultLogger("WARN") });
    const workerSdk = createRequire(join(ROOT, "apps/worker/package.json"))("@temporalio/worker") as { Runtime: typeof Runtime; DefaultLogger: typeof DefaultLogger };
    if (workerSdk.Runtime !== Runtime) workerSdk.Runtime.install({ logger: new workerSdk.DefaultLogger("WARN") });
    const [t, env] = await Promise.all([createTestDatabase("benchbackup"), TestWorkflowEnvironment.createLocal({ server: { executable: { type: "existing-path", path: penv.TEMPORAL_CLI_PATH ?? "" } } })]);
    cleanup.unshift(() => t.drop(), () => env.teardown());
    const sandbox = await createSandbox();
    cleanup.unshift(() => sandbox.close());
    const url = await sandbox.listen({ port: 0 });
    traffic.attach(sandbox.app.server);

    const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${url}${path}`, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    };

    // The tenant: Gmail is what is measured; Drive, Calendar and contacts are kept small but backed up too.
    const sb = await control<TenantSummary>("POST", "/_control/tenants", { provider: "google", seed: Number(args.seed), users: USERS, itemsPerUser: MESSAGES, driveFilesPerUser: int("drive-files", args["drive-files"]), eventsPerUser: int("events", args.events) });
    const setBudget = (units: number) => control("PUT", `/_control/tenants/${sb.id}/throttling`, { unitsPerUserPerMinute: units, windowSeconds: WINDOW_S });
    const LATENCY_MS = Number(args["latency-ms"]);
    if (!(Number.isInteger(LATENCY_MS) && LATENCY_MS >= 0 && LATENCY_MS <= 5000)) throw new Error(`--latency-ms must be an integer in [0, 5000], got ${String(args["latency-ms"])}`);
    if (LATENCY_MS > 0) await control("POST", "/_control/faults", { provider: "google", path: "/gmail/v1/users/*/messages/*", delayMs: LATENCY_MS });
    const gmailUsage = async () => (await control<{ gmail: GmailUsage }>("GET", `/_control/tenants/${sb.id}/throttling/usage`)).gmail;
    const key = await control<ServiceAccountKeyFile>("POST", `/_control/tenants/${sb.id}/service-accounts`, {});
    const { userId, organization } = await signUp(t.app.db, { email: `bench-${randomBytes(3).toString("hex")}@example.test`, password: "a long enough password", organizationName: "Backup Bench Ltd" });
    const tenantId = organization.id;
    const owner: TenantContext = { db: t.app.db, tenantId, actor: { type: "user", id: userId }, role: "owner" };
    await provisionTenantVault(owner);
    const source = await registerSource(owner, { provider: "google", displayName: sb.domain, credentials: { serviceAccountKey: JSON.stringify(key), adminEmail: sb.adminEmail } });

    // One workflow bundle for both workers (webpack once).
    const bundleDir = mkdtempSync(join(tmpdir(), "hf-bench-backup-"));
    cleanup.unshift(() => Promise.resolve(rmSync(bundleDir, { recursive: true, force: true })));
    const codePath = join(bundleDir, "workflows.js");
    writeFileSync(codePath, (await bundleWorkflowCode({ workflowsPath: workflowsEntryPath(), logger: new DefaultLogger("WARN") })).code);

    // The worker's own pool, at the production default size (the test database's is smaller), as
    // the worker's role: only it writes the catalogue's history (docs/adr/0024).
    const workerDb = createDb({ url: t.workerUrl, poolMax: 10, applicationName: "holdfast-bench-worker" });
    cleanup.unshift(() => workerDb.close());
    const providers = providersConfig({ HOLDFAST_PROVIDERS: "sandbox", SANDBOX_URL: url });
    const graph = { ...providers, microsoft: { ...providers.microsoft, graphBaseUrl: `${sandbox.httpsUrl}/microsoft/graph` } };
    const perMinute = (units: number) => (units * 60) / WINDOW_S;
    const startOne = async (taskQueue: string, units: number): Promise<{ ports: ClosableBackupPorts; worker: RunningWorker }> => {
      const ports = createBackupPorts({ db: workerDb.db, workerId: `bench:${taskQueue}`, providers: graph, ...(sandbox.tls ? { graphCa: sandbox.tls.cert } : {}), googleLimits: { gmailUnitsPerUserPerMinute: perMinute(units) } });
      const worker = await startWorker({ db: workerDb.db, connection: env.nativeConnection, namespace: env.namespace ?? "default", taskQueue, healthPort: 0, workflows: { workflowBundle: { codePath } }, backup: ports, restore: ports.restore });
      cleanup.unshift(async () => {
        worker.shutdown();
        await worker.done;
        await ports.close();
      });
      return { ports, worker };
    };
    const backupQueue = `bench-backup-${randomUUID()}`;
    await startOne(backupQueue, BUDGET);

    const runBackup = async (runKey: string): Promise<BackupSourceResult> => {
      const handle = await env.client.workflow.start("backupSource", { taskQueue: backupQueue, workflowId: backupWorkflowIds.backupSource(source.id, runKey), args: [{ tenantId, sourceId: source.id, trigger: "on_demand", concurrency: 64 }] });
      return (await handle.result()) as BackupSourceResult;
    };
    const phase = async <T>(fn: () => Promise<T>) => {
      const usage0 = await gmailUsage();
      const traffic0 = traffic.snapshot();
      const t0 = Date.now();
      const cpu0 = process.cpuUsage();
      const value = await fn();
      const cpu = process.cpuUsage(cpu0);
      const t1 = Date.now();
      const usage1 = await gmailUsage();
      const traffic1 = traffic.snapshot();
      return {
        value,
        ms: t1 - t0,
        windows: windowsBetween(usage1.windows, t0, t1 + 1),
        methods: methodDelta(usage0.methods, usage1.methods),
        requests: counterDelta(traffic0.requests, traffic1.requests),
        bytesSent: counterDelta(traffic0.bytes, traffic1.bytes),
        errors: counterDelta(traffic0.statuses, traffic1.statuses),
        load: load(),
        // This process is the worker, the sandbox and the peer: cores it kept busy (of the machine's 2, shared).
        processCores: (cpu.user + cpu.system) / 1000 / (t1 - t0),
      };
    };

    // 1. First full backup of every unit, all at once, under the lowered budget.
    await setBudget(BUDGET);
    log("first full backup…");
    const first = await phase(() => runBackup("first"));
    if (first.value.status !== "completed") throw new Error(`the first backup ended ${first.value.status} (${first.value.failedUnits} failed units)`);
    const units = await listUnits(systemContext(t.app.db, tenantId, "bench"), source.id);
    const perUnit = await Promise.all(
      units
        .filter((u) => u.protected)
        .map(async (u) => {
          const h = env.client.workflow.getHandle(backupWorkflowIds.backupUnit(first.value.runId, u.id));
          const [d, r] = await Promise.all([h.describe(), h.result() as Promise<BackupUnitResult>]);
          const ms = (d.closeTime?.getTime() ?? Date.now()) - d.startTime.getTime();
          // A unit's stats add up its segments; an item carried from an earlier segment of the same
          // run is counted again as carried, so what the run captured is what it stored.
          const items = r.stats.stored;
          return { unit: `${u.kind}:${u.ownerEmail ?? u.displayName}`, kind: u.kind, items, bytes: r.stats.bytesRead, ms, itemsPerSecond: perSecond(items, ms), mibPerSecond: mibPerSecond(r.stats.bytesRead, ms) };
        }),
    );
    perUnit.sort((a, b) => a.unit.localeCompare(b.unit));
    const gmailUnits = perUnit.filter((u) => u.kind === "gmail");
    const gmailItems = gmailUnits.reduce((a, u) => a + u.items, 0);
    const gmailBytes = gmailUnits.reduce((a, u) => a + u.bytes, 0);
    const gmailMs = Math.max(...gmailUnits.map((u) => u.ms));
    const firstBudget = budgetUse(first.windows, BUDGET);
    const gmailUnits_ = Object.values(first.methods).reduce((a, m) => a + m.units, 0);
    const firstRateUse = budgetRateUse(gmailUnits_, gmailMs, BUDGET, WINDOW_S, USERS);
    const ourUnitsPerItem = unitsPerItem(first.methods, gmailItems);
    // What the budget allows a client that spends only messages.get format=raw (5 units) per message, and us at our cost per message.
    const ceiling = budgetCeiling(BUDGET, WINDOW_S, 5, USERS);
    const ourCeiling = ourUnitsPerItem === null ? null : budgetCeiling(BUDGET, WINDOW_S, ourUnitsPerItem, USERS);
    log(`first backup: ${first.value.stats.stored} items stored in ${(first.ms / 1000).toFixed(1)} s`);

    // 2. The peer over the same mailboxes, same budget, fresh windows.
    let peer: (Awaited<ReturnType<typeof phase<PeerResult>>> & { budget: ReturnType<typeof budgetUse>; rateUse: number; unitsPerItem: number | null }) | null = null;
    if (!args["skip-peer"]) {
      await setBudget(BUDGET);
      log(`peer: googleapis list + get format=raw, ${PEER_CONCURRENCY} in flight per user, paced to ${PEER_PACE * 100} % of the budget…`);
      const p = await phase(() => runPeer({ sandboxUrl: url, key, users: sb.units.map((u) => u.email ?? ""), unitsPerMinute: perMinute(BUDGET), pace: PEER_PACE, concurrency: PEER_CONCURRENCY }));
      peer = { ...p, budget: budgetUse(p.windows, BUDGET), rateUse: budgetRateUse(Object.values(p.methods).reduce((a, m) => a + m.units, 0), p.ms, BUDGET, WINDOW_S, USERS), unitsPerItem: unitsPerItem(p.methods, p.value.items) };
      log(`peer: ${p.value.items} messages in ${(p.value.ms / 1000).toFixed(1)} s`);
    }

    // 3. A second backup of the unchanged tenant.
    await setBudget(BUDGET);
    log("second backup, nothing changed…");
    const second = await phase(() => runBackup("unchanged"));
    if (second.value.status !== "completed") throw new Error(`the second backup ended ${second.value.status}`);
    const downloads = Object.entries(second.requests).filter(([k]) => isContentDownload(k));
    const secondCalls = Object.values(second.requests).reduce((a, b) => a + b, 0);

    // 4. Restore one whole mailbox into itself as copies, through the restore workflow.
    let restore: (Awaited<ReturnType<typeof phase<RestoreResult>>> & { budget: ReturnType<typeof budgetUse>; insertShare: number; items: number; rateUse: number; unitsPerItem: number | null }) | null = null;
    if (!args["skip-restore"]) {
      const restoreQueue = `bench-restore-${randomUUID()}`;
      await startOne(restoreQueue, RESTORE_BUDGET);
      await setBudget(RESTORE_BUDGET);
      const target = units.find((u) => u.kind === "gmail");
      if (!target) throw new Error("no gmail unit to restore");
      log(`restore of ${target.ownerEmail ?? target.id} (conflict: copy) at ${RESTORE_BUDGET} units per user per ${WINDOW_S} s…`);
      const r = await phase(async () => {
        const job = await requestRestore(owner, { unitId: target.id, asOf: new Date(), conflict: "copy" });
        const handle = await env.client.workflow.start("restore", { taskQueue: restoreQueue, workflowId: restoreWorkflowId(job.id), args: [{ tenantId, restoreId: job.id }] });
        return (await handle.result()) as RestoreResult;
      });
      if (r.value.status !== "completed") throw new Error(`the restore ended ${r.value.status}: ${JSON.stringify(r.value.counts)}`);
      const units_ = Object.values(r.methods).reduce((a, m) => a + m.units, 0);
      const inserts = (r.methods["messages.import"]?.units ?? 0) + (r.methods["messages.insert"]?.units ?? 0);
      const items = r.value.counts.created + r.value.counts.copied;
      restore = { ...r, budget: budgetUse(r.windows, RESTORE_BUDGET), insertShare: units_ > 0 ? inserts / units_ : 0, items, rateUse: budgetRateUse(units_, r.ms, RESTORE_BUDGET, WINDOW_S, 1), unitsPerItem: unitsPerItem(r.methods, items) };
      log(`restore: ${items} messages in ${(r.ms / 1000).toFixed(1)} s`);
    }

    // Report.
    const ourRate = perSecond(gmailItems, gmailMs);
    const ratio = peer ? ourRate / perSecond(peer.value.items, peer.value.ms) : null;
    console.log("\nFirst full backup (every unit at once; Gmail budget-bound)");
    console.log(table(["unit", "items", "MiB", "s", "items/s", "MiB/s"], perUnit.map((u) => [u.unit, u.items, fixed(u.bytes / 2 ** 20), fixed(u.ms / 1000), fixed(u.itemsPerSecond), fixed(u.mibPerSecond, 2)])));
    console.log(`Gmail total: ${gmailItems} messages, ${fixed(gmailBytes / 2 ** 20)} MiB in ${fixed(gmailMs / 1000)} s = ${fixed(ourRate)} items/s (${fixed(ourRate / USERS, 2)} per mailbox), ${fixed(mibPerSecond(gmailBytes, gmailMs), 2)} MiB/s; ${fixed(ourUnitsPerItem)} Gmail units per message, so the budget allows us ${fixed(ourCeiling)} items/s (${fixed(ceiling)} at 5 units per message); whole run ${fixed(first.ms / 1000)} s, this process (worker + sandbox) busy ${fixed(first.processCores, 2)} cores, load ${first.load.join(" ")}`);
    console.log(
      `Gmail budget used (steady windows, first and last per user left out): ${pct(firstBudget.fraction)} (min ${pct(firstBudget.min)}, max ${pct(firstBudget.max)}, ${firstBudget.steadyWindows} of ${firstBudget.windows} windows; all windows ${pct(firstBudget.fractionAll)}; units over the allowance of the elapsed time ${pct(firstRateUse)}); 429s answered: ${firstBudget.refused} — target ≥ ${TARGET_FRACTION * 100} % without exceeding: ${firstBudget.fraction !== null && firstBudget.fraction >= TARGET_FRACTION && firstBudget.refused === 0 ? "met" : "MISSED"}`,
    );
    if (peer) {
      console.log(`\nPeer (googleapis loop, no catalogue, no vault): ${peer.value.items} messages in ${fixed(peer.value.ms / 1000)} s = ${fixed(perSecond(peer.value.items, peer.value.ms))} items/s; ${fixed(peer.unitsPerItem)} units per message; budget used ${pct(peer.budget.fraction)} (${peer.budget.steadyWindows} steady windows; over the elapsed time ${pct(peer.rateUse)}), 429s ${peer.budget.refused}`);
      console.log(`ours / peer items/s: ${fixed(ratio, 2)}`);
    }
    console.log(`\nSecond backup, unchanged tenant: ${fixed(second.ms / 1000)} s, ${secondCalls} API calls, content downloads ${downloads.reduce((a, [, n]) => a + n, 0)}, stored ${second.value.stats.stored}, uploaded ${second.value.stats.bytesUploaded} bytes to the vault`);
    console.log(table(["request", "calls"], Object.entries(second.requests).map(([k, n]) => [k, n])));
    console.log(table(["gmail method", "calls", "units"], Object.entries(second.methods).map(([k, m]) => [k, m.calls, m.units])));
    if (restore) {
      console.log(
        `\nRestore (one mailbox, conflict copy): ${restore.items} messages in ${fixed(restore.ms / 1000)} s = ${fixed(perSecond(restore.items, restore.ms))} items/s; ${fixed(restore.unitsPerItem)} units per message; budget used over the elapsed time ${pct(restore.rateUse)} (steady windows: ${pct(restore.budget.fraction)} of ${restore.budget.steadyWindows}), of it inserts ${pct(restore.rateUse * restore.insertShare)}; 429s ${restore.budget.refused}`,
      );
      console.log(table(["gmail method", "calls", "units"], Object.entries(restore.methods).map(([k, m]) => [k, m.calls, m.units])));
    }

    const loadAfter = load();
    const result = {
      benchmark: "backup",
      startedAt: startedAt.toISOString(),
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      loadBefore,
      loadAfter,
      latencyMs: Number(args["latency-ms"]),
      tenant: { provider: "google", users: USERS, messagesPerUser: MESSAGES, driveFilesPerUser: Number(args["drive-files"]), eventsPerUser: Number(args.events), seed: Number(args.seed) },
      budget: { unitsPerUserPerWindow: BUDGET, windowSeconds: WINDOW_S, holdfastGmailUnitsPerUserPerMinute: perMinute(BUDGET), restoreUnitsPerUserPerWindow: RESTORE_BUDGET, sandboxDefault: 15_000 },
      first: {
        seconds: first.ms / 1000,
        status: first.value.status,
        stats: first.value.stats,
        units: perUnit,
        gmail: { items: gmailItems, bytes: gmailBytes, seconds: gmailMs / 1000, itemsPerSecond: ourRate, mibPerSecond: mibPerSecond(gmailBytes, gmailMs), unitsPerItem: ourUnitsPerItem, budgetCeilingItemsPerSecond: ourCeiling, rawOnlyCeilingItemsPerSecond: ceiling, budgetRateUse: firstRateUse },
        budgetUse: firstBudget,
        windows: first.windows,
        gmailMethods: first.methods,
        errors: first.errors,
        load: first.load,
      },
      peer: peer && { items: peer.value.items, seconds: peer.value.ms / 1000, itemsPerSecond: perSecond(peer.value.items, peer.value.ms), bytes: peer.value.bytes, throttled: peer.value.throttled, concurrencyPerUser: PEER_CONCURRENCY, pace: PEER_PACE, unitsPerItem: peer.unitsPerItem, budgetUse: peer.budget, budgetRateUse: peer.rateUse, windows: peer.windows, load: peer.load },
      oursOverPeer: ratio,
      incremental: {
        seconds: second.ms / 1000,
        status: second.value.status,
        stats: second.value.stats,
        apiCalls: secondCalls,
        requests: second.requests,
        gmailMethods: second.methods,
        contentDownloads: Object.fromEntries(downloads),
        bytesUploadedToVault: second.value.stats.bytesUploaded,
        bytesSentBySandbox: Object.values(second.bytesSent).reduce((a, b) => a + b, 0),
      },
      restore: restore && { items: restore.items, counts: restore.value.counts, seconds: restore.ms / 1000, itemsPerSecond: perSecond(restore.items, restore.ms), budgetUse: restore.budget, insertShareOfUnits: restore.insertShare, unitsPerItem: restore.unitsPerItem, budgetRateUse: restore.rateUse, insertBudgetFraction: restore.rateUse * restore.insertShare, ceilingItemsPerSecond: restore.unitsPerItem === null ? null : budgetCeiling(RESTORE_BUDGET, WINDOW_S, restore.unitsPerItem, 1), gmailMethods: restore.methods, windows: restore.windows, load: restore.load },
      catalogue: { note: "not re-run: pnpm bench:catalogue, 10 M versions", result: "bench/catalogue/results/catalogue-20261127t192609-10008676.json" },
      targets: {
        budgetFraction: { target: TARGET_FRACTION, steady: firstBudget.fraction, refused: firstBudget.refused, met: firstBudget.fraction !== null && firstBudget.fraction >= TARGET_FRACTION && firstBudget.refused === 0 && !firstBudget.exceeded },
        incrementalDownloadsZero: { met: downloads.length === 0 },
      },
    };
    const dir = join(ROOT, "bench/results");
    mkdirSync(dir, { recursive: true });
    const day = startedAt.toISOString().slice(0, 10).replace(/-/g, "");
    let file = join(dir, `backup-${day}.json`);
    for (let n = 2; existsSync(file); n++) file = join(dir, `backup-${day}-${n}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    log(`wrote ${file.slice(ROOT.length + 1)} (load after ${loadAfter.join(" ")})`);
  } finally {
    traffic.detach();
    for (const fn of cleanup) {
      try {
        await fn();
      } catch (e) {
        console.error(`cleanup: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
