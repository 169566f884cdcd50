// Fault injection: per-rule HTTP errors (429/500/503), revoked tokens, expired change cursors,
// slow responses and dropped connections,
// selected by provider, method, path pattern, tenant and user, at a rate, optionally a limited
// number of times, with Retry-After. Each rule draws from its own seeded generator so a test
// run is reproducible.
import { z } from "zod";
import { Rng } from "../data/random";

export const FaultRuleInput = z.object({
  provider: z.enum(["google", "microsoft", "salesforce", "aws"]).optional(),
  method: z.string().toUpperCase().optional(),
  /** Only requests of this tenant: the sandbox tenant id, its domain or (Microsoft) directory id. */
  tenant: z.string().min(1).toLowerCase().optional(),
  /** Only requests acting on this user: e-mail / user principal name or directory object id. */
  user: z.string().min(1).toLowerCase().optional(),
  /** Glob over the request path: `*` matches within a segment, `**` across segments. */
  path: z.string().min(1).default("/**"),
  /** The error to answer with; absent for a pure slow-down rule (then `delayMs` is required). */
  status: z.union([z.literal(429), z.literal(500), z.literal(503)]).optional(),
  /**
   * A provider failure rather than a status: `revokedToken` answers as the provider does for a
   * revoked or expired grant (401 on API calls, 400 invalid_grant on its token endpoint);
   * `expiredCursor` answers the provider's own resync error of the request's change API, and
   * matches only requests that present a change cursor (see shapes.ts).
   */
  kind: z.enum(["revokedToken", "expiredCursor"]).optional(),
  /**
   * Drop the connection instead of answering: `"request"` before any response byte, `"headers"`
   * right after the status line and headers, `{ afterBytes }` after that many body bytes.
   */
  drop: z.union([z.literal("request"), z.literal("headers"), z.object({ afterBytes: z.number().int().min(1) })]).optional(),
  /** Hold matching requests this long before they proceed (or fail, with `status`). */
  delayMs: z.number().int().min(0).max(60_000).optional(),
  /** Probability in [0, 1] that a matching request fails. */
  rate: z.number().min(0).max(1).default(1),
  /** Stop after failing this many requests. */
  times: z.number().int().positive().optional(),
  /** Seconds, sent as Retry-After (429 and 503 only). */
  retryAfter: z.number().int().min(0).optional(),
  seed: z.number().int().default(1),
})
  .refine((r) => r.status !== undefined || r.delayMs !== undefined || r.drop !== undefined || r.kind !== undefined, { message: "a rule needs a status, a kind, a delayMs or a drop" })
  .refine((r) => [r.status, r.drop, r.kind].filter((v) => v !== undefined).length <= 1, { message: "a rule answers a status, answers a kind or drops the connection: only one of status, kind, drop" });
export type FaultRuleInput = z.infer<typeof FaultRuleInput>;

export interface FaultRule extends FaultRuleInput {
  id: string;
  injected: number;
}

export interface InjectedFault {
  rule: FaultRule;
  /** Undefined for a slow-down: the request proceeds after `delayMs`. */
  status?: number;
  kind?: FaultRuleInput["kind"];
  retryAfter?: number;
  delayMs?: number;
  drop?: FaultRuleInput["drop"];
}

/** What a request is, for rule kinds that apply only to some requests. */
export interface FaultSubject {
  /** The request presents a change cursor (sync token, delta link, history id…). */
  cursor?: boolean;
  /** The request carries credentials (a bearer token, a signature, or a token-endpoint grant). */
  credentials?: boolean;
}

/** Who a request acts for, as identifiers a rule's `tenant` / `user` may name (lower case). */
export interface FaultTarget {
  tenants: string[];
  users: string[];
}

export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob.charAt(i);
    if (c === "*" && glob[i + 1] === "*") {
      re += ".*";
      i++;
    } else if (c === "*") re += "[^/]*";
    else re += c.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

export class FaultRegistry {
  private readonly rules: { rule: FaultRule; pattern: RegExp; rng: Rng }[] = [];
  private counter = 0;

  add(input: FaultRuleInput): FaultRule {
    const rule: FaultRule = { ...input, id: `fault-${++this.counter}`, injected: 0 };
    this.rules.push({ rule, pattern: globToRegExp(input.path), rng: new Rng(input.seed) });
    return rule;
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r.rule }));
  }

  remove(id: string): boolean {
    const i = this.rules.findIndex((r) => r.rule.id === id);
    if (i === -1) return false;
    this.rules.splice(i, 1);
    return true;
  }

  clear(): number {
    const n = this.rules.length;
    this.rules.length = 0;
    return n;
  }

  /** The first rule that fires for this request, if any; exhausted rules stay listed but idle. */
  match(method: string, path: string, provider: string | undefined, target?: () => FaultTarget, subject: FaultSubject = {}): InjectedFault | undefined {
    let who: FaultTarget | undefined;
    for (const r of this.rules) {
      const { rule } = r;
      if (rule.times !== undefined && rule.injected >= rule.times) continue;
      if (rule.provider && rule.provider !== provider) continue;
      if (rule.method && rule.method !== method.toUpperCase()) continue;
      if (!r.pattern.test(path)) continue;
      if (rule.kind === "expiredCursor" && !subject.cursor) continue;
      if (rule.kind === "revokedToken" && !subject.credentials) continue;
      if (rule.tenant !== undefined || rule.user !== undefined) {
        who ??= target?.() ?? { tenants: [], users: [] };
        if (rule.tenant !== undefined && !who.tenants.includes(rule.tenant)) continue;
        if (rule.user !== undefined && !who.users.includes(rule.user)) continue;
      }
      if (rule.rate < 1 && r.rng.float() >= rule.rate) continue;
      rule.injected++;
      return { rule: { ...rule }, status: rule.status, kind: rule.kind, delayMs: rule.delayMs, drop: rule.drop, retryAfter: rule.status === 500 || rule.status === undefined ? undefined : rule.retryAfter };
    }
    return undefined;
  }
}
