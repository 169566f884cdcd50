// The `config` object (docs/vault-format.md §3.4): plaintext, written once by init.
import { z } from "zod";
import type { Kms } from "./crypto/kms";
import { masterKeyAad, unwrapWithRecoveryKey } from "./crypto/keys";
import { VaultFormatError, VaultKeyError, VaultNotFoundError, unsupportedVersion, FORMAT_VERSION } from "./errors";
import { fromHex } from "./hex";
import { versionsOf } from "./object-read";
import type { ObjectStore } from "./store/types";

export const CONFIG_KEY = "config";

export const VaultConfig = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  vaultId: z.string().regex(/^[0-9a-f]{32}$/),
  createdAt: z.string(),
  chunker: z.object({
    algorithm: z.literal("fastcdc-gear32"),
    minSize: z.number().int().positive(),
    avgSize: z.number().int().positive(),
    maxSize: z.number().int().positive(),
  }),
  packTargetSize: z.number().int().positive(),
  keys: z.object({
    kms: z.object({ keyId: z.string(), wrapped: z.string() }),
    recovery: z.object({ kdf: z.literal("hkdf-sha256"), wrapped: z.string() }),
  }),
});
export type VaultConfig = z.infer<typeof VaultConfig>;

export function parseConfig(objectKey: string, bytes: Uint8Array): VaultConfig {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (e) {
    throw new VaultFormatError(`${objectKey}: not JSON`, { cause: e });
  }
  const version = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (version !== FORMAT_VERSION) throw unsupportedVersion(objectKey, version);
  const parsed = VaultConfig.safeParse(json);
  if (!parsed.success) throw new VaultFormatError(`${objectKey}: malformed config: ${parsed.error.message}`);
  return parsed.data;
}

export type Unlock = { kms: Kms } | { recoveryKey: Uint8Array };

async function unwrap(config: VaultConfig, unlock: Unlock): Promise<Uint8Array | null> {
  const vaultId = fromHex(config.vaultId);
  if ("kms" in unlock) {
    try {
      return await unlock.kms.unwrap(Buffer.from(config.keys.kms.wrapped, "base64"), masterKeyAad(vaultId));
    } catch {
      return null;
    }
  }
  return unwrapWithRecoveryKey(Buffer.from(config.keys.recovery.wrapped, "base64"), unlock.recoveryKey, vaultId);
}

/**
 * Opens `config` (docs/vault-format.md §3.4): the master key comes from the oldest version the
 * key unwraps (config is written once, so later versions are a lost init race or an intruder's,
 * and must not replace the original). Versions that do not parse are skipped — the writer's
 * credentials can add a garbage version, and that must not block a restore. Only when no version
 * unlocks does an unknown format version or a parse failure become the error.
 */
export async function loadConfig(store: ObjectStore, unlock: Unlock): Promise<{ config: VaultConfig; master: Uint8Array }> {
  const versions = await versionsOf(store, CONFIG_KEY);
  const ids: (string | undefined)[] = versions.length > 0 ? versions.map((v) => v.versionId) : [undefined];
  const read = async (versionId: string | undefined) => {
    try {
      return await store.get(CONFIG_KEY, undefined, versionId);
    } catch (e) {
      throw new VaultNotFoundError("no vault here: the bucket has no readable config object", { cause: e });
    }
  };
  let parsedAny: VaultConfig | undefined;
  let unsupported: VaultFormatError | undefined;
  let lastError: unknown;
  for (const versionId of [...ids].reverse()) {
    let config: VaultConfig;
    try {
      config = parseConfig(CONFIG_KEY, await read(versionId));
    } catch (e) {
      if (e instanceof VaultFormatError && /unsupported format version/.test(e.message)) unsupported ??= e;
      lastError = e;
      continue;
    }
    parsedAny ??= config;
    const master = await unwrap(config, unlock);
    if (master && master.length === 32) return { config, master };
  }
  if (unsupported) throw unsupported;
  if (!parsedAny) throw lastError instanceof Error ? lastError : new VaultFormatError(`${CONFIG_KEY}: no readable version`);
  const which = "kms" in unlock ? `KMS key ${unlock.kms.keyId} (vault was wrapped with ${parsedAny.keys.kms.keyId})` : "recovery key";
  throw new VaultKeyError(`wrong key: the ${which} cannot unwrap the master key of vault ${parsedAny.vaultId}`);
}
