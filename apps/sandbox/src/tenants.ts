// The registry of emulated customer tenants, whatever their provider. The control API creates
// them; provider routes look them up by the tenant bound to a token.
import { z } from "zod";

export const Provider = z.enum(["google", "microsoft", "salesforce", "aws"]);
export type Provider = z.infer<typeof Provider>;

export const CreateTenantInput = z.object({
  provider: Provider,
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  users: z.number().int().min(1).max(10_000),
  itemsPerUser: z.number().int().min(0).max(1_000_000),
  /** Overrides the generated primary domain (content is a function of seed and domain). */
  domain: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/).optional(),
  /** Change records kept per unit before older cursors expire (Gmail history, Graph delta…). */
  historyRetention: z.number().int().min(1).max(10_000_000).default(100_000),
  /** Google: files seeded per My Drive (default min(itemsPerUser, 200)); the shared drive gets half. */
  driveFilesPerUser: z.number().int().min(0).max(100_000).optional(),
  /** Google: extra binary files of these sizes (MiB) at the root of every My Drive ("Large <n> MiB.bin"), for download benchmarks; generated on demand, never held in memory. */
  largeFilesMiB: z.array(z.number().int().min(1).max(4096)).max(8).optional(),
  /** Google: events seeded per primary calendar (default min(itemsPerUser, 200)). */
  eventsPerUser: z.number().int().min(0).max(100_000).optional(),
  /** Salesforce: the org's daily API request allowance (DailyApiRequests.Max). */
  dailyApiRequests: z.number().int().min(1).optional(),
  /** AWS: the ExternalId the role's trust policy requires (generated when absent). */
  externalId: z.string().min(2).max(1224).optional(),
  /** AWS: the principal ARN the role's trust policy names (default: the Holdfast principal). */
  trustedPrincipal: z.string().startsWith("arn:aws:").optional(),
});
export type CreateTenantInput = z.infer<typeof CreateTenantInput>;

export const MutationInput = z.object({
  kind: z.enum(["edit", "delete", "move", "ransomware", "create"]),
  fraction: z.number().min(0).max(1),
  seed: z.number().int(),
  /** Google: which service to mutate (default mail; drive, calendar, contacts). */
  service: z.enum(["mail", "drive", "calendar", "contacts"]).optional(),
  /** Unit ids or e-mail addresses; all units when absent. */
  units: z.array(z.string()).optional(),
});
export type MutationInput = z.infer<typeof MutationInput>;

export interface UnitSummary {
  id: string;
  kind: string;
  email?: string;
  name?: string;
  items: number;
}

export interface TenantSummary {
  id: string;
  provider: Provider;
  domain: string;
  adminEmail: string;
  units: UnitSummary[];
  [extra: string]: unknown;
}

export interface TouchedItem {
  unit: string;
  id: string;
  action: "edited" | "deleted" | "moved" | "encrypted" | "created";
  [detail: string]: unknown;
}

export class UnknownUnitError extends Error {
  constructor(readonly unit: string) {
    super(`unknown unit ${unit}`);
  }
}

/** The units named by `names` (each resolved by `find`), or all of them when none are named. */
export function selectNamed<U>(all: U[], names: string[] | undefined, find: (name: string) => U | undefined): U[] {
  if (!names) return all;
  return names.map((n) => {
    const found = find(n);
    if (!found) throw new UnknownUnitError(n);
    return found;
  });
}

export interface Tenant {
  readonly id: string;
  readonly provider: Provider;
  readonly domain: string;
  summary(): TenantSummary;
  /** The ground truth, as JSON text chunks (streamed: a large tenant's manifest is big). */
  manifest(): AsyncGenerator<string>;
  mutate(input: MutationInput): Promise<TouchedItem[]>;
  /** Async set-up outside the process (AWS: buckets and identities on versitygw); the tenant is unusable until it resolves. */
  init?(): Promise<void>;
  /** Releases what init() created outside the process. */
  dispose?(): Promise<void>;
  /** Makes every change cursor issued so far too old (Gmail history 404, Graph delta 410); returns the units. */
  expireCursors(units?: string[]): string[];
}

export class TenantRegistry {
  private readonly tenants = new Map<string, Tenant>();
  private readonly counters = new Map<Provider, number>();

  /** google-0001, microsoft-0001, …: numbered per provider, so one provider's ids do not depend on another's. */
  nextId(provider: Provider): string {
    const n = (this.counters.get(provider) ?? 0) + 1;
    this.counters.set(provider, n);
    return `${provider}-${String(n).padStart(4, "0")}`;
  }

  domainTaken(domain: string): boolean {
    for (const t of this.tenants.values()) if (t.domain === domain) return true;
    return false;
  }

  add(t: Tenant): void {
    this.tenants.set(t.id, t);
  }

  get(id: string): Tenant | undefined {
    return this.tenants.get(id);
  }

  remove(id: string): boolean {
    return this.tenants.delete(id);
  }

  list(): Tenant[] {
    return [...this.tenants.values()];
  }

  ofProvider<T extends Tenant>(provider: Provider, guard: (t: Tenant) => t is T): T[] {
    return this.list().filter((t): t is T => t.provider === provider && guard(t));
  }
}
