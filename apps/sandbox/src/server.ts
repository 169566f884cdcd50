// createSandbox(): one Fastify server holding every emulated provider, its control API and
// fault injector. Tests create one in-process and listen on port 0; `pnpm dev` runs main.ts.
import type { AddressInfo } from "node:net";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { SandboxContext } from "./context";
import { registerControl } from "./control/routes";
import { registerFaultHook } from "./faults/hook";
import { FaultRegistry } from "./faults/rules";
import { googlePlugin } from "./google";
import { ServiceAccounts } from "./google/service-accounts";
import { providerOf } from "./http/base-url";
import { ClientRegistry } from "./oauth/clients";
import { SigningKey } from "./oauth/keys";
import { TokenStore } from "./oauth/store";
import { createTenant } from "./tenant-factory";
import { CreateTenantInput, TenantRegistry, type TenantSummary } from "./tenants";

export interface SandboxOptions {
  /** A pino-compatible logger; silent when absent. Request logs carry no query strings or bodies. */
  logger?: FastifyBaseLogger;
  /** Shortcut: create one Google tenant (5 users × 200 messages) with this seed at start. */
  seed?: number;
  /** Tenants to create at start. */
  tenants?: Partial<CreateTenantInput>[];
}

export interface Sandbox {
  app: FastifyInstance;
  context: SandboxContext;
  /** Tenants created at start. */
  initialTenants: TenantSummary[];
  /** Resolves to the base URL, e.g. http://127.0.0.1:4010. */
  listen(opts?: { port?: number; host?: string }): Promise<string>;
  readonly url: string;
  close(): Promise<void>;
}

const FORM = "application/x-www-form-urlencoded";

export async function createSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const context: SandboxContext = {
    tokens: new TokenStore(),
    clients: new ClientRegistry(),
    signingKey: await SigningKey.generate(),
    tenants: new TenantRegistry(),
    faults: new FaultRegistry(),
    serviceAccounts: new ServiceAccounts(),
  };
  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    // Our own access log below never prints query strings (tokens travel in some, e.g. /revoke).
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2_000 },
    bodyLimit: 5 * 1024 * 1024,
  });

  app.addContentTypeParser(FORM, { parseAs: "string" }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  // Uploads (message/rfc822, multipart/related, octet streams) reach handlers as raw bytes.
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));

  app.addHook("onResponse", async (req, reply) => {
    req.log.debug({ method: req.method, path: req.url.split("?")[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, "request");
  });

  registerFaultHook(app, context);
  await app.register((scope, _o, done) => {
    registerControl(scope, context);
    done();
  });
  await app.register((scope) => googlePlugin(scope, context));

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split("?")[0] ?? "";
    if (providerOf(path) === "google") {
      return reply.code(404).send({ error: { code: 404, message: `The requested URL ${path} was not found on this server.`, status: "NOT_FOUND" } });
    }
    return reply.code(404).send({ error: "not_found", message: `${req.method} ${path} is not emulated` });
  });

  const initial: Partial<CreateTenantInput>[] = [...(opts.seed === undefined ? [] : [{ provider: "google" as const, seed: opts.seed, users: 5, itemsPerUser: 200 }]), ...(opts.tenants ?? [])];
  const initialTenants = initial.map((t) => createTenant(context, CreateTenantInput.parse(t)).summary());

  let url = "";
  return {
    app,
    context,
    initialTenants,
    get url() {
      return url;
    },
    async listen({ port = 0, host = "127.0.0.1" } = {}) {
      await app.listen({ port, host });
      const addr = app.server.address() as AddressInfo;
      const shownHost = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
      url = `http://${shownHost === "0.0.0.0" ? "127.0.0.1" : shownHost}:${addr.port}`;
      return url;
    },
    close: () => app.close(),
  };
}
