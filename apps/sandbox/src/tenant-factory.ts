import type { SandboxContext } from "./context";
import { generateDomain, GoogleTenant } from "./google/tenant";
import { generateMicrosoftDomain, MicrosoftTenant } from "./microsoft/tenant";
import { generateSalesforceDomain, SalesforceTenant } from "./salesforce/org";
import { AwsTenant, generateAwsDomain } from "./aws/tenant";
import type { CreateTenantInput, Tenant } from "./tenants";

export class NotImplementedError extends Error {}

/** One branch per provider; the `never` default makes adding a provider a compile error here. */
export function createTenant(ctx: SandboxContext, input: CreateTenantInput): Tenant {
  const provider = input.provider;
  switch (provider) {
    case "google": {
      const tenant = new GoogleTenant(ctx.tenants.nextId("google"), uniqueDomain(ctx, input.domain, generateDomain(input.seed)), input);
      ctx.tenants.add(tenant);
      return tenant;
    }
    case "microsoft": {
      const tenant = new MicrosoftTenant(ctx.tenants.nextId("microsoft"), uniqueDomain(ctx, input.domain, generateMicrosoftDomain(input.seed)), input);
      ctx.tenants.add(tenant);
      return tenant;
    }
    case "salesforce": {
      const tenant = new SalesforceTenant(ctx.tenants.nextId("salesforce"), uniqueDomain(ctx, input.domain, generateSalesforceDomain(input.seed)), input);
      ctx.tenants.add(tenant);
      return tenant;
    }
    case "aws": {
      // Registered only once init() (buckets and identities on versitygw) has succeeded: see createTenantReady.
      return new AwsTenant(ctx.tenants.nextId("aws"), uniqueDomain(ctx, input.domain, generateAwsDomain(input.seed)), input);
    }
    default: {
      const unreachable: never = provider;
      throw new Error(`unknown provider ${String(unreachable)}`);
    }
  }
}

/** createTenant plus the tenant's out-of-process set-up (AWS); a tenant whose set-up fails is cleaned up and not registered. */
export async function createTenantReady(ctx: SandboxContext, input: CreateTenantInput): Promise<Tenant> {
  const tenant = createTenant(ctx, input);
  if (tenant.init) {
    try {
      await tenant.init();
    } catch (err) {
      await tenant.dispose?.().catch(() => undefined);
      throw err;
    }
    ctx.tenants.add(tenant);
  }
  return tenant;
}

function uniqueDomain(ctx: SandboxContext, requested: string | undefined, generated: string): string {
  let domain = requested ?? generated;
  if (ctx.tenants.domainTaken(domain)) {
    if (requested) throw new DomainTakenError(domain);
    // Same seed twice: a distinct domain, so consent and login hints stay unambiguous.
    let n = 2;
    while (ctx.tenants.domainTaken(`t${n}-${domain}`)) n++;
    domain = `t${n}-${domain}`;
  }
  return domain;
}

export class DomainTakenError extends Error {
  constructor(readonly domain: string) {
    super(`domain ${domain} is already used by another sandbox tenant`);
  }
}
