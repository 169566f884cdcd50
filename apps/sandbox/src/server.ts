// createSandbox(): one Fastify server holding every emulated provider, its control API and
// fault injector. Tests create one in-process and listen on port 0; `pnpm dev` runs main.ts.
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { SandboxContext } from "./context";
import { registerControl } from "./control/routes";
import { registerRequestLog } from "./control/request-log";
import { registerFaultHook } from "./faults/hook";
import { FaultRegistry } from "./faults/rules";
import { googlePlugin } from "./google";
import { ServiceAccounts } from "./google/service-accounts";
import { providerOf } from "./http/base-url";
import { keepRawBody } from "./http/raw-body";
import { selfSignedCertificate, type TlsMaterial } from "./http/tls";
import { microsoftPlugin } from "./microsoft";
import { salesforcePlugin } from "./salesforce";
import { registerS3Proxy } from "./aws/s3-proxy";
import { registerSts } from "./aws/sts";
import { ClientRegistry } from "./oauth/clients";
import { SigningKey } from "./oauth/keys";
import { TokenStore } from "./oauth/store";
import { createTenantReady } from "./tenant-factory";
import { CreateTenantInput, TenantRegistry, type TenantSummary } from "./tenants";

export interface SandboxOptions {
  /** A pino-compatible logger; silent when absent. Request logs carry no query strings or bodies. */
  logger?: FastifyBaseLogger;
  /** Shortcut: create one Google tenant (5 users × 200 messages) with this seed at start. */
  seed?: number;
  /** Tenants to create at start. */
  tenants?: Partial<CreateTenantInput>[];
  /** Also serve HTTPS (self-signed, see http/tls.ts) for clients that insist on https; default true. */
  https?: boolean;
}

export interface Sandbox {
  app: FastifyInstance;
  context: SandboxContext;
  /** Tenants created at start. */
  initialTenants: TenantSummary[];
  /** Resolves to the base URL, e.g. http://127.0.0.1:4010; HTTPS listens on `httpsPort` (0 = any). */
  listen(opts?: { port?: number; host?: string; httpsPort?: number }): Promise<string>;
  readonly url: string;
  /** The same routes over TLS, e.g. https://127.0.0.1:4011; "" when HTTPS is off or openssl is missing. */
  readonly httpsUrl: string;
  /** The HTTPS listener's self-signed certificate (PEM) for clients to trust. */
  readonly tls: TlsMaterial | undefined;
  close(): Promise<void>;
}

const FORM = "application/x-www-form-urlencoded";

export async function createSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const tls = opts.https === false ? undefined : selfSignedCertificate();
  const context: SandboxContext = {
    tlsCert: tls?.cert,
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

  app.addContentTypeParser(FORM, { parseAs: "string" }, (req, body, done) => {
    keepRawBody(req, String(body));
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  // Uploads (message/rfc822, multipart/related, octet streams) reach handlers as raw bytes.
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));

  app.addHook("onResponse", async (req, reply) => {
    req.log.debug({ method: req.method, path: req.url.split("?")[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, "request");
  });

  // Before the fault hook, so a request answered by a fault is logged with its arrival time.
  registerRequestLog(app, context);
  registerFaultHook(app, context);
  await app.register((scope, _o, done) => {
    registerControl(scope, context);
    done();
  });
  await app.register((scope) => googlePlugin(scope, context));
  await app.register((scope, _o, done) => microsoftPlugin(scope, context, done));
  await app.register((scope, _o, done) => salesforcePlugin(scope, context, done));
  await app.register((scope, _o, done) => {
    registerSts(scope, context);
    registerS3Proxy(scope, context);
    done();
  });

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split("?")[0] ?? "";
    if (providerOf(path) === "google") {
      return reply.code(404).send({ error: { code: 404, message: `The requested URL ${path} was not found on this server.`, status: "NOT_FOUND" } });
    }
    if (providerOf(path) === "microsoft") {
      return reply.code(400).send({ error: { code: "BadRequest", message: `Resource not found for the segment '${path.split("/").pop() ?? ""}'.` } });
    }
    if (providerOf(path) === "salesforce") return reply.code(404).send([{ errorCode: "NOT_FOUND", message: "The requested resource does not exist" }]);
    return reply.code(404).send({ error: "not_found", message: `${req.method} ${path} is not emulated` });
  });

  const initial: Partial<CreateTenantInput>[] = [...(opts.seed === undefined ? [] : [{ provider: "google" as const, seed: opts.seed, users: 5, itemsPerUser: 200 }]), ...(opts.tenants ?? [])];
  const initialTenants: TenantSummary[] = [];
  for (const t of initial) initialTenants.push((await createTenantReady(context, CreateTenantInput.parse(t))).summary());

  let url = "";
  let httpsUrl = "";
  let httpsServer: HttpsServer | undefined;
  const shown = (addr: AddressInfo) => {
    const h = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
    return h === "0.0.0.0" ? "127.0.0.1" : h;
  };
  return {
    app,
    context,
    initialTenants,
    tls,
    get url() {
      return url;
    },
    get httpsUrl() {
      return httpsUrl;
    },
    async listen({ port = 0, host = "127.0.0.1", httpsPort = 0 } = {}) {
      await app.listen({ port, host });
      url = `http://${shown(app.server.address() as AddressInfo)}:${(app.server.address() as AddressInfo).port}`;
      if (tls) {
        // The same Fastify routing (hooks, routes) behind a TLS socket; req.protocol is "https".
        const server = createHttpsServer({ key: tls.key, cert: tls.cert }, (req, res) => app.routing(req, res));
        httpsServer = server;
        await new Promise<void>((resolve, reject) => {
          server.once("error", reject);
          server.listen(httpsPort, host, () => resolve());
        });
        const addr = server.address() as AddressInfo;
        httpsUrl = `https://${shown(addr)}:${addr.port}`;
      }
      return url;
    },
    async close() {
      // AWS tenants hold buckets and identities on versitygw: remove them with the process's tenants.
      await Promise.all(context.tenants.list().map((t) => (t.dispose ? t.dispose().catch(() => undefined) : Promise.resolve())));
      const server = httpsServer;
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      await app.close();
    },
  };
}
