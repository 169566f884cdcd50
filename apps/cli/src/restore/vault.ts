// Binds holdfast-restore to the vault engine: a read-only S3 store, the vault opened with the
// recovery key, and every engine or storage failure turned into a sentence a customer can act on.
import {
  openVault as openEngineVault,
  restoreToDirectory,
  UnsafeItemPathError,
  VaultError,
  VaultFormatError,
  VaultIntegrityError,
  VaultKeyError,
  VaultNotFoundError,
  verifyVault,
  type Vault,
} from "@holdfast/vault";
import { isStoreError, S3ObjectStore } from "@holdfast/vault/store";
import { RestoreError, type ErasureLedgerView, type ItemInfo, type OpenVault, type RestoreVault, type SnapshotInfo, type VaultConnection, type VerifyProblem } from "./types";

/** Folds engine and S3 errors into RestoreErrors; anything else passes through unchanged. */
export function explain(err: unknown, conn: VaultConnection): unknown {
  const where = `bucket ${conn.bucket} at ${conn.endpoint ?? "AWS S3"}`;
  if (err instanceof VaultKeyError) {
    return new RestoreError(
      err.message.includes("mistyped") ? `${err.message}` : `the recovery key does not open the vault in ${where} (${err.message})`,
    );
  }
  if (err instanceof VaultNotFoundError) return new RestoreError(`no Holdfast vault in ${where}: ${err.message}`);
  if (err instanceof VaultFormatError || err instanceof VaultIntegrityError || err instanceof UnsafeItemPathError) return new RestoreError(err.message);
  if (isStoreError(err)) {
    switch (err.code) {
      case "unavailable":
        return new RestoreError(`cannot reach the object store (${where}): ${err.message}`);
      case "access_denied":
        return new RestoreError(`the credentials were refused for ${where}: ${err.message}`);
      case "not_found":
        return new RestoreError(err.details.s3Code === "NoSuchBucket" || err.details.key === undefined ? `${where} does not exist` : err.message);
      default:
        return new RestoreError(err.message);
    }
  }
  if (err instanceof VaultError) return new RestoreError(err.message);
  return err;
}

async function guard<T>(conn: VaultConnection, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw explain(err, conn);
  }
}

export const openVault: OpenVault = async (conn, recoveryKey) => {
  const store = new S3ObjectStore({
    endpoint: conn.endpoint,
    region: conn.region,
    bucket: conn.bucket,
    credentials: { accessKeyId: conn.accessKeyId, secretAccessKey: conn.secretAccessKey },
    maxAttempts: 3,
  });
  // Reading needs no seal workers.
  const vault = await guard(conn, () => openEngineVault(store, { recoveryKey, workers: 0 }));
  return bindVault(vault, conn);
};

function ledgerProblems(problems: readonly { key: string; versionId: string; problem: string }[]): VerifyProblem[] {
  return problems.map((p) => ({ object: `${p.key} (version ${p.versionId})`, problem: `erasure ledger object ignored: ${p.problem}` }));
}

/** The commands' view of an opened engine vault (tests bind one over an in-memory store). */
export function bindVault(vault: Vault, conn: VaultConnection): RestoreVault {
  return {
    snapshots: () =>
      guard(conn, async () =>
        (await vault.listSnapshots())
          .map(
            (s): SnapshotInfo => ({
              id: s.id,
              source: s.source,
              unit: s.unit,
              startedAt: s.startedAt.toISOString(),
              committedAt: s.committedAt.toISOString(),
              retainUntil: s.retainUntil.toISOString(),
              items: s.itemCount,
              bytes: s.totalSize,
            }),
          )
          .reverse(),
      ),
    items: (id) => guard(conn, async () => (await vault.readSnapshot(id)).items.map((i): ItemInfo => ({ path: i.path, size: i.size, meta: i.meta }))),
    restore: (id, req) =>
      guard(conn, async () => {
        const r = await restoreToDirectory(vault, id, {
          target: req.target,
          prefix: req.prefix,
          overwrite: req.overwrite,
          onProgress: req.onProgress,
          ...(req.exclude?.length ? { exclude: new Set(req.exclude) } : {}),
        });
        return { items: r.items, bytes: r.bytes, filesWritten: r.filesWritten, failed: r.failed };
      }),
    verify: ({ sample }) =>
      guard(conn, async () => {
        const r = await verifyVault(vault, { packSample: sample });
        // A ledger version that does not authenticate was written by someone without the vault's key.
        const ledger = await vault.erasedItems();
        return { snapshots: r.snapshots, packsChecked: r.packsChecked, blobsChecked: r.blobsChecked, problems: [...r.problems, ...ledgerProblems(ledger.problems)] };
      }),
    erased: () =>
      guard(conn, async (): Promise<ErasureLedgerView> => {
        const ledger = await vault.erasedItems();
        return {
          match: (unit, item) => {
            const r = ledger.match(unit, item.meta);
            return r ? { requestId: r.requestId, executedAt: r.executedAt.toISOString() } : null;
          },
          problems: ledgerProblems(ledger.problems),
        };
      }),
    close: () => vault.close(),
  };
}
