import type { ApiKey as ApiKeyRow } from "@holdfast/db";
import { iso, isoOrNull, type ApiKey } from "../types";

export function toApiKey(r: ApiKeyRow): ApiKey {
  return { id: r.id, name: r.name, prefix: r.prefix, role: r.role, createdAt: iso(r.createdAt), lastUsedAt: isoOrNull(r.lastUsedAt), expiresAt: isoOrNull(r.expiresAt), revokedAt: isoOrNull(r.revokedAt) };
}
