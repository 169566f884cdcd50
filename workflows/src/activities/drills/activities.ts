// The restore drill's activities (issue 7's verifyVault). The sample is restored into a scratch
// directory on the worker, never into a customer's account: each item is read from the vault with
// the reader identity and hashed while it is written, and the directory is removed afterwards
// whatever happened. The comparison with the catalogue's hashes is the workflow's.
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { verifyVault, type Vault } from "@holdfast/vault";
import { ApplicationFailure, Context } from "@temporalio/activity";
import { DRILL_PACK_SAMPLE, type DrillItemRef, type PackCheck, type SampleRestore } from "../../drill-contracts";
import type { DrillPorts } from "./ports";

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Heartbeats every few seconds while `work` runs (verifyVault reports no progress of its own). */
async function heartbeating<T>(work: () => Promise<T>, details: () => unknown): Promise<T> {
  const ctx = Context.current();
  const timer = setInterval(() => ctx.heartbeat(details()), 5_000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/**
 * verifyVault with DRILL_PACK_SAMPLE of the packs, and always at least one: one pack, chosen at
 * random among those the index knows, is forced into the sample.
 */
async function verifySample(vault: Vault): Promise<PackCheck> {
  await vault.index.refresh(vault.store, vault.keys);
  const known = vault.index.packIndexes.size;
  const forced = Math.floor(Math.random() * Math.max(known, 1));
  let call = 0;
  const random = () => (call++ === forced ? 0 : Math.random());
  const r = await verifyVault(vault, { packSample: DRILL_PACK_SAMPLE, random });
  return { snapshots: r.snapshots, packsChecked: r.packsChecked, problems: r.problems };
}

async function restoreOne(vault: Vault, item: DrillItemRef, file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  const source = Readable.from(
    (async function* () {
      for await (const chunk of vault.readItem(item.vaultSnapshotId, item.vaultPath, 4)) {
        hash.update(chunk);
        bytes += chunk.length;
        yield chunk;
      }
    })(),
    { objectMode: false },
  );
  await pipeline(source, createWriteStream(file, { flags: "wx" }));
  return { sha256: hash.digest("hex"), bytes };
}

export function createDrillActivities(ports: DrillPorts) {
  return {
    drillTenants(): Promise<string[]> {
      return ports.tenants();
    },
    beginDrill(input: { tenantId: string; at: string }): Promise<string> {
      return ports.start(input.tenantId, new Date(input.at));
    },
    drillSample(input: { tenantId: string }): Promise<DrillItemRef[]> {
      return ports.sample(input.tenantId);
    },
    async verifyDrillPacks(input: { tenantId: string }): Promise<PackCheck> {
      const vault = await ports.readVault(input.tenantId);
      return heartbeating(() => verifySample(vault), () => ({ step: "verify packs" }));
    },
    async restoreDrillSample(input: { tenantId: string; items: DrillItemRef[] }): Promise<SampleRestore> {
      const vault = await ports.readVault(input.tenantId);
      const dir = await mkdtemp(join(ports.scratchRoot ?? tmpdir(), "holdfast-drill-"));
      const out: SampleRestore = { restored: [], problems: [], bytes: 0, ms: 0 };
      try {
        const started = performance.now();
        await heartbeating(
          async () => {
            for (const [i, item] of input.items.entries()) {
              try {
                // Files are numbered: an item's path is the customer's, and never a name on our disk.
                const r = await restoreOne(vault, item, join(dir, String(i)));
                out.restored.push({ versionId: item.versionId, sha256: r.sha256, bytes: r.bytes });
                out.bytes += r.bytes;
              } catch (e) {
                out.problems.push({ object: item.path, problem: `could not be restored from vault snapshot ${item.vaultSnapshotId}: ${message(e)}` });
              }
            }
          },
          () => ({ step: "restore sample", restored: out.restored.length }),
        );
        out.ms = Math.round(performance.now() - started);
        return out;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    async finishDrill(input: {
      tenantId: string;
      drillId: string;
      result: Parameters<DrillPorts["finish"]>[2];
    }): Promise<"passed" | "failed"> {
      if (!input.drillId) throw ApplicationFailure.nonRetryable("finishDrill needs the drill's id", "ValidationError");
      return ports.finish(input.tenantId, input.drillId, input.result);
    },
  };
}

export type DrillActivities = ReturnType<typeof createDrillActivities>;
