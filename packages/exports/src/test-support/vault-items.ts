// Test helpers: put items into a vault snapshot the way a backup does (content + StoredItemMeta).
import { createHash } from "node:crypto";
import type { ItemSource, Vault } from "@holdfast/vault";

export interface TestItem {
  vaultPath: string;
  body: Uint8Array | (() => AsyncIterable<Uint8Array>);
  meta: {
    externalId: string;
    kind: "message" | "file" | "folder" | "event" | "contact";
    path: string;
    name: string;
    contentType: string;
    modifiedAt?: string;
    metadata?: Record<string, unknown>;
  };
}

/** One snapshot holding `items`; returns its id. */
export async function putSnapshot(vault: Vault, unit: string, items: readonly TestItem[], retainUntil: Date): Promise<string> {
  const w = await vault.startSnapshot({ source: "src-exports-test", unit, startedAt: new Date(), retainUntil });
  for (const it of items) {
    const source: ItemSource = typeof it.body === "function" ? it.body() : it.body;
    const sha256 = typeof it.body === "function" ? "" : createHash("sha256").update(it.body).digest("hex");
    await w.putItem(it.vaultPath, source, { version: "v1", sha256, metadata: {}, ...it.meta });
  }
  return w.commit();
}

export const utf8 = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));
