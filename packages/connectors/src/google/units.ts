// Shared helpers of the Google unit connectors.
import { ConnectorError } from "../core/errors";
import type { DiscoveredUnit, UnitKind } from "../core/types";

/** The user a unit's calls impersonate: its owner (shared drives: the configured admin). */
export function subjectOf(unit: DiscoveredUnit, kind: UnitKind, adminEmail: string): string {
  if (unit.kind !== kind) throw new ConnectorError("invalid", `a ${kind} connector was given a ${unit.kind} unit (${unit.key})`, { provider: "google" });
  if (kind === "shared-drive") return unit.attributes?.member ?? adminEmail;
  const email = unit.owner?.email ?? unit.attributes?.email;
  if (!email) throw new ConnectorError("invalid", `unit ${unit.key} has no owner e-mail to act as`, { provider: "google" });
  return email;
}

/** Runs `fn` over `items` with at most `limit` in flight, keeping order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** A body the provider needs whole, as one chunk. */
export async function* once(b: Uint8Array): AsyncIterable<Uint8Array> {
  await Promise.resolve();
  yield b;
}
