// Shared by the item content and preview route handlers: the `version` query parameter, the
// version it names (of this item, in this tenant), and reading a bounded amount of its bytes.
import { listItemVersions, notFound, validation, type ItemVersion, type TenantContext } from "@holdfast/services";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `?version=`: absent means the item's latest version; anything but a UUID is a 400. */
export function versionParam(req: Request): string | undefined {
  const raw = new URL(req.url).searchParams.get("version");
  if (raw === null || raw === "") return undefined;
  if (!UUID.test(raw)) {
    throw validation("Invalid request: version: must be an item version id (a UUID)", { issues: [{ in: "query", field: "version", message: "must be an item version id (a UUID)" }] });
  }
  return raw.toLowerCase();
}

/** The item's version `versionId` (default: its latest); 404 when the item or version is not this tenant's. */
export async function findItemVersion(tenant: TenantContext, itemId: string, versionId: string | undefined): Promise<ItemVersion> {
  const versions = await listItemVersions(tenant, itemId);
  const found = versionId === undefined ? versions.at(-1) : versions.find((v) => v.id === versionId);
  // A version of another item gets the same answer as one that does not exist.
  if (!found) throw notFound("Item version");
  return found;
}

/** The body, or null as soon as it exceeds `max` bytes (the rest is not read). */
export async function readAtMost(res: Response, max: number): Promise<Uint8Array<ArrayBuffer> | null> {
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
