// The control API: tenants, their ground truth, mutations, faults and OAuth clients. JSON, no
// auth, and therefore answered only to loopback callers.
import { Readable } from "node:stream";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { SandboxContext } from "../context";
import { FaultRuleInput } from "../faults/rules";
import { ResourceUnitLimits } from "../microsoft/sites/resource-units";
import { SCOPE_DESCRIPTIONS } from "../google/scopes";
import { GmailQuotaLimits } from "../google/gmail/quota";
import { isGoogleTenant } from "../google/tenant";
import { baseUrl } from "../http/base-url";
import { isMicrosoftTenant, type MicrosoftTenant } from "../microsoft/tenant";
import { ThrottleLimits } from "../microsoft/throttle";
import { createTenantReady, DomainTakenError, NotImplementedError } from "../tenant-factory";
import { VersitygwUnavailableError } from "../aws/tenant";
import { CreateTenantInput, MutationInput, Provider, UnknownUnitError, type Tenant } from "../tenants";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (LOOPBACK.has(address) || address.startsWith("127.") || address.startsWith("::ffff:127."));
}

const RegisterClientInput = z.object({
  provider: Provider,
  name: z.string().optional(),
  redirectUris: z.array(z.string().url()).min(1),
  /** Microsoft: application permissions (app roles) the registration requests, e.g. ["Mail.Read"]. */
  appRoles: z.array(z.string()).optional(),
});
const ServiceAccountInput = z.object({ delegatedScopes: z.array(z.string()).optional() });
const UnitsInput = z.object({ units: z.array(z.string()).optional() });
const NamePart = z.string().regex(/^[A-Za-z][A-Za-z-]{0,40}$/, "letters and hyphens, starting with a letter");
const AddUserInput = z.object({ givenName: NamePart.optional(), surname: NamePart.optional() });

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function registerControl(app: FastifyInstance, ctx: SandboxContext): void {
  app.addHook("onRequest", async (req, reply) => {
    if (!req.url.startsWith("/_control")) return;
    if (!isLoopback(req.socket.remoteAddress)) return reply.code(403).send({ error: "forbidden", message: "the control API answers loopback callers only" });
  });

  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    if (err instanceof z.ZodError) return reply.code(400).send({ error: "invalid_request", issues: err.issues.map((i) => ({ path: i.path.join("."), message: i.message })) });
    if (err instanceof HttpError) return reply.code(err.status).send({ error: err.status === 404 ? "not_found" : "invalid_request", message: err.message });
    if (err instanceof NotImplementedError) return reply.code(501).send({ error: "not_implemented", message: err.message });
    if (err instanceof VersitygwUnavailableError) return reply.code(503).send({ error: "unavailable", message: err.message });
    if (err instanceof DomainTakenError) return reply.code(409).send({ error: "conflict", message: err.message });
    if (err instanceof UnknownUnitError) return reply.code(400).send({ error: "invalid_request", message: err.message });
    if (err.statusCode && err.statusCode < 500) return reply.code(err.statusCode).send({ error: "invalid_request", message: err.message });
    req.log.error({ err }, "control API error");
    return reply.code(500).send({ error: "internal" });
  });

  const tenantOf = (req: FastifyRequest): Tenant => {
    const t = ctx.tenants.get((req.params as { id: string }).id);
    if (!t) throw new HttpError(404, "no such tenant");
    return t;
  };

  const microsoftTenantOf = (req: FastifyRequest): MicrosoftTenant => {
    const t = tenantOf(req);
    if (!isMicrosoftTenant(t)) throw new HttpError(400, "throttling limits are emulated for google and microsoft tenants only");
    return t;
  };

  app.get("/_control/health", (_req, reply) => reply.send({ status: "ok" }));

  app.post("/_control/tenants", async (req, reply) => {
    const tenant = await createTenantReady(ctx, CreateTenantInput.parse(req.body));
    return reply.code(201).send(tenant.summary());
  });

  app.get("/_control/tenants", (_req, reply) => reply.send({ tenants: ctx.tenants.list().map((t) => t.summary()) }));

  app.get("/_control/tenants/:id", (req, reply) => reply.send(tenantOf(req).summary()));

  app.delete("/_control/tenants/:id", async (req, reply) => {
    const t = tenantOf(req);
    ctx.tenants.remove(t.id);
    ctx.tokens.revokeTenant(t.id);
    await t.dispose?.();
    ctx.serviceAccounts.removeTenant(t.id);
    return reply.code(204).send();
  });

  // Streamed: a 200 × 20,000 tenant's manifest is hundreds of megabytes of JSON.
  app.get("/_control/tenants/:id/manifest", async (req, reply) => {
    const t = tenantOf(req);
    return reply.type("application/json").send(Readable.from(t.manifest()));
  });

  app.post("/_control/tenants/:id/mutations", async (req) => {
    const t = tenantOf(req);
    const input = MutationInput.parse(req.body);
    const touched = await t.mutate(input);
    return { kind: input.kind, count: touched.length, touched };
  });

  // Microsoft directory changes that Graph's users/delta reports: a user joins, or leaves
  // (`?permanent=true`: purged rather than soft-deleted). The Global Administrator cannot leave.
  const directoryOf = (req: FastifyRequest): MicrosoftTenant => {
    const t = tenantOf(req);
    if (!isMicrosoftTenant(t)) throw new HttpError(400, "users are added and removed for microsoft tenants only");
    return t;
  };
  app.post("/_control/tenants/:id/users", (req, reply) => {
    const u = directoryOf(req).addUser(AddUserInput.parse(req.body ?? {}));
    return reply.code(201).send({ id: u.id, userPrincipalName: u.userPrincipalName, displayName: u.displayName });
  });
  app.delete("/_control/tenants/:id/users/:uid", (req, reply) => {
    const { uid } = req.params as { uid: string };
    const removed = directoryOf(req).removeUser(uid, (req.query as { permanent?: string }).permanent === "true");
    if (!removed) throw new HttpError(404, `no user ${uid} in this tenant`);
    if (removed === "admin") throw new HttpError(400, "the Global Administrator (user 0) cannot be removed");
    return reply.code(204).send();
  });

  // An admin removing the app's access: every token of the tenant stops working.
  app.post("/_control/tenants/:id/revoke-tokens", (req, reply) => reply.send({ revoked: ctx.tokens.revokeTenant(tenantOf(req).id) }));

  // The "expired cursor" fault: every change cursor issued so far becomes too old.
  app.post("/_control/tenants/:id/expire-history", (req, reply) => {
    const { units } = UnitsInput.parse(req.body ?? {});
    return reply.send({ expired: tenantOf(req).expireCursors(units) });
  });

  app.post("/_control/tenants/:id/service-accounts", async (req, reply) => {
    const t = tenantOf(req);
    if (!isGoogleTenant(t)) throw new HttpError(400, "service accounts exist for google tenants only");
    const { delegatedScopes } = ServiceAccountInput.parse(req.body ?? {});
    const key = await ctx.serviceAccounts.issue(t, baseUrl(req), delegatedScopes ?? Object.keys(SCOPE_DESCRIPTIONS).filter((s) => s.startsWith("https://")));
    return reply.code(201).send(key);
  });

  app.post("/_control/oauth-clients", async (req, reply) => {
    const input = RegisterClientInput.parse(req.body);
    const c = ctx.clients.register(input);
    return reply.code(201).send({ provider: c.provider, clientId: c.clientId, clientSecret: c.clientSecret, redirectUris: c.redirectUris, ...(c.provider === "microsoft" ? { appRoles: c.appRoles } : {}) });
  });

  // Rate limits at the providers' documented defaults: Graph's per-app-per-mailbox limits for a
  // Microsoft tenant, Gmail's quota units per user per minute for a Google tenant.
  app.get("/_control/tenants/:id/throttling", (req, reply) => {
    const t = tenantOf(req);
    if (isGoogleTenant(t)) return reply.send(t.gmailQuota.limits);
    return reply.send(microsoftTenantOf(req).throttle.limits);
  });
  app.put("/_control/tenants/:id/throttling", (req, reply) => {
    const t = tenantOf(req);
    if (isGoogleTenant(t)) {
      t.gmailQuota.configure(GmailQuotaLimits.parse(req.body ?? {}));
      return reply.send(t.gmailQuota.limits);
    }
    const ms = microsoftTenantOf(req);
    ms.throttle.configure(ThrottleLimits.parse(req.body ?? {}));
    return reply.send(ms.throttle.limits);
  });

  // What the tenant's callers spent against those limits (read-only, for benchmarks and drills):
  // Gmail units per method and per user window, or Graph requests per app, mailbox and window.
  app.get("/_control/tenants/:id/throttling/usage", (req, reply) => {
    const t = tenantOf(req);
    if (isGoogleTenant(t)) return reply.send({ provider: "google", gmail: t.gmailQuota.usage() });
    return reply.send({ provider: "microsoft", graph: microsoftTenantOf(req).throttle.usage() });
  });

  // SharePoint resource units per app per minute (Microsoft tenants); an empty body restores the default.
  app.get("/_control/tenants/:id/throttling/sharepoint", (req, reply) => {
    const ru = microsoftTenantOf(req).resourceUnits;
    return reply.send({ ...ru.limits, resourceUnitsPerMinute: ru.budget });
  });
  app.put("/_control/tenants/:id/throttling/sharepoint", (req, reply) => {
    const ru = microsoftTenantOf(req).resourceUnits;
    ru.configure(ResourceUnitLimits.parse(req.body ?? {}));
    return reply.send({ ...ru.limits, resourceUnitsPerMinute: ru.budget });
  });

  // The HTTPS listener's self-signed certificate, for clients to trust (NODE_EXTRA_CA_CERTS…).
  app.get("/_control/tls/cert.pem", (_req, reply) => {
    if (!ctx.tlsCert) throw new HttpError(404, "HTTPS is off (or openssl was not found at start)");
    return reply.type("application/x-pem-file").send(ctx.tlsCert);
  });

  app.get("/_control/faults", (_req, reply) => reply.send({ rules: ctx.faults.list() }));

  app.post("/_control/faults", async (req, reply) => {
    const body = req.body as { rules?: unknown } | undefined;
    const inputs = z.array(FaultRuleInput).parse(body && Array.isArray(body.rules) ? body.rules : [body]);
    return reply.code(201).send({ rules: inputs.map((r) => ctx.faults.add(r)) });
  });

  app.delete("/_control/faults", (_req, reply) => reply.send({ removed: ctx.faults.clear() }));

  app.delete("/_control/faults/:faultId", async (req: FastifyRequest, reply: FastifyReply) => {
    if (!ctx.faults.remove((req.params as { faultId: string }).faultId)) throw new HttpError(404, "no such fault rule");
    return reply.code(204).send();
  });
}
