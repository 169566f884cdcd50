// SharePoint Online's application limit ("Avoid getting throttled or blocked in SharePoint
// Online", Application throttling): every app has a budget of resource units per tenant per
// minute that depends on the tenant's licence count — 1,200 (0–1k), 2,400 (1k–5k), 3,600
// (5k–15k), 4,800 (15k–50k), 6,000 (50k+) — and Graph calls have fixed costs: 1 for a single
// item, a delta with a token or a file download; 2 for a multi-item query (children, a delta
// without a token), create, update, delete, upload; 5 for permission operations (incl.
// $expand=permissions). Over budget → 429 with Retry-After; throttled requests still count.
// Here every user is a licence, the window is fixed (from the first request), and the 24-hour
// budget is not emulated.
import { z } from "zod";

export const ResourceUnitLimits = z.object({
  /** Absent: the documented default for the tenant's licence count. */
  resourceUnitsPerMinute: z.number().int().min(1).optional(),
  windowSeconds: z.number().int().min(1).default(60),
});
export type ResourceUnitLimits = z.infer<typeof ResourceUnitLimits>;

export function defaultResourceUnitsPerMinute(licenses: number): number {
  if (licenses <= 1_000) return 1_200;
  if (licenses <= 5_000) return 2_400;
  if (licenses <= 15_000) return 3_600;
  if (licenses <= 50_000) return 4_800;
  return 6_000;
}

/** The documented Graph cost of a SharePoint / OneDrive request. */
export function resourceUnitCost(method: string, path: string, query: URLSearchParams): number {
  if (/\/permissions(?:\/|$)/.test(path) || /permissions/i.test(query.get("$expand") ?? "")) return 5;
  if (method !== "GET" && method !== "HEAD") return 2;
  if (path.endsWith("/delta")) return query.has("token") || query.has("$deltatoken") || query.has("$skiptoken") ? 1 : 2;
  if (path.endsWith("/children") || path.endsWith("/drives") || /\/sites$/.test(path)) return 2;
  return 1;
}

export class ResourceUnits {
  limits: ResourceUnitLimits = ResourceUnitLimits.parse({});
  private readonly windows = new Map<string, { start: number; spent: number }>();

  constructor(
    private readonly licenses: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  get budget(): number {
    return this.limits.resourceUnitsPerMinute ?? defaultResourceUnitsPerMinute(this.licenses());
  }

  configure(limits: ResourceUnitLimits): void {
    this.limits = limits;
    this.windows.clear();
  }

  /** Spends `cost` of the app's budget; over it, the seconds until the window ends. */
  spend(app: string, cost: number): { ok: true } | { ok: false; retryAfter: number } {
    const now = this.now();
    const windowMs = this.limits.windowSeconds * 1000;
    let w = this.windows.get(app);
    if (!w || now - w.start >= windowMs) {
      w = { start: now, spent: 0 };
      this.windows.set(app, w);
    }
    w.spent += cost;
    if (w.spent <= this.budget) return { ok: true };
    return { ok: false, retryAfter: Math.max(1, Math.ceil((w.start + windowMs - now) / 1000)) };
  }
}
