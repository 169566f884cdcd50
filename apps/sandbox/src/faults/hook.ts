// Applies fault rules before any provider route runs. An error rule answers with the provider's
// own error shape for that status (and Retry-After when the rule sets one); a delay holds the
// request first. Delays run in preHandler, after every onRequest hook, so a slowed request
// counts as in flight for the providers' concurrency limits (Graph's 4 per mailbox).
// A drop destroys the connection: before any response ("request"), or once the handler's
// response has put its headers ("headers") or N body bytes ({ afterBytes }) on the wire — what
// a client sees as a reset or a premature close, never as an HTTP status.
// Tenant/user targeting resolves the request's bearer token (and a /users/{id}/ path segment),
// or for AWS the SigV4 access key of an STS-issued session, only when some rule names a tenant
// or user. Revoked-token and expired-cursor rules answer in the provider's shape (shapes.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isAwsTenant } from "../aws/tenant";
import type { SandboxContext } from "../context";
import { providerOf } from "../http/base-url";
import { isMicrosoftTenant } from "../microsoft/tenant";
import type { FaultTarget, InjectedFault } from "./rules";
import { expiredCursorAnswer, faultProvider, isTokenEndpoint, revokedTokenAnswer, statusAnswer, type FaultAnswer } from "./shapes";

const FAULT = Symbol("sandbox.fault");
type WithFault = FastifyRequest & { [FAULT]?: InjectedFault };

const USER_SEGMENT = /\/users\/([^/?]+)/;
const SIGV4_KEY = /Credential=([^/,\s]+)\//;

/** The response never finishes: let Fastify's onResponse hooks (throttle release) run anyway. */
function finishAsDropped(reply: FastifyReply): void {
  const res = reply.raw;
  res.on("error", () => undefined);
  setImmediate(() => res.emit("error", new Error("connection dropped by an injected fault")));
}

/** Writes at most `limit` body bytes of whatever the handler sends, then cuts the connection. */
function dropAfter(reply: FastifyReply, limit: number): void {
  const res = reply.raw;
  let sent = 0;
  let cut = false;
  const write = res.write.bind(res) as (chunk: Buffer) => boolean;
  const cutNow = () => {
    if (cut) return;
    cut = true;
    if (!res.headersSent) res.flushHeaders();
    const socket = res.socket;
    // Flush what was written, then destroy: the peer gets a truncated response and a closed socket.
    if (socket) socket.end(() => socket.destroy());
    finishAsDropped(reply);
  };
  const take = (chunk: unknown, encoding?: unknown): boolean => {
    if (cut) return false;
    if (chunk !== undefined && chunk !== null && typeof chunk !== "function") {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
      const room = limit - sent;
      if (room > 0) write(buf.subarray(0, room));
      sent += Math.min(room, buf.length);
    }
    if (sent >= limit) cutNow();
    return true;
  };
  res.write = ((chunk: unknown, encoding?: unknown) => take(chunk, encoding)) as typeof res.write;
  res.end = ((chunk?: unknown, encoding?: unknown) => {
    take(chunk, encoding);
    cutNow();
    return res;
  }) as typeof res.end;
}

export function registerFaultHook(app: FastifyInstance, ctx: SandboxContext): void {
  const awsTarget = (req: FastifyRequest): FaultTarget => {
    // S3 calls sign with an AssumeRole session's key, which names the customer (tenant) it was issued for.
    const key = SIGV4_KEY.exec(req.headers.authorization ?? "")?.[1];
    const tenant = key ? ctx.tenants.ofProvider("aws", isAwsTenant).find((t) => t.sessions.some((s) => s.accessKeyId === key)) : undefined;
    return { tenants: tenant ? [tenant.id, tenant.domain, tenant.accountId].map((t) => t.toLowerCase()) : [], users: [] };
  };

  const targetOf = (req: FastifyRequest, path: string, provider: string | undefined) => (): FaultTarget => {
    if (provider === "aws") return awsTarget(req);
    const auth = req.headers.authorization;
    const token = auth && /^bearer /i.test(auth) ? ctx.tokens.lookupAccess(auth.slice(7).trim()) : undefined;
    const tenant = token ? ctx.tenants.get(token.tenantId) : undefined;
    const tenants = tenant ? [tenant.id, tenant.domain, ...(isMicrosoftTenant(tenant) ? [tenant.tenantId] : [])] : [];
    const segment = USER_SEGMENT.exec(path)?.[1];
    const named = segment && segment !== "me" ? decodeURIComponent(segment) : token && !token.appOnly ? token.subject : undefined;
    const users = named ? [named] : [];
    const msUser = named && tenant && isMicrosoftTenant(tenant) ? tenant.user(named) : undefined;
    if (msUser) users.push(msUser.id, msUser.userPrincipalName);
    return { tenants: tenants.map((t) => t.toLowerCase()), users: users.map((u) => u.toLowerCase()) };
  };

  const drop = (req: FastifyRequest, reply: FastifyReply, fault: InjectedFault) => {
    if (fault.drop === "request") {
      req.raw.socket.destroy();
      finishAsDropped(reply);
      return reply.hijack();
    }
    void reply.header("x-sandbox-fault", fault.rule.id);
    dropAfter(reply, fault.drop === "headers" || fault.drop === undefined ? 0 : fault.drop.afterBytes);
    return undefined;
  };

  const answerOf = (req: FastifyRequest, fault: InjectedFault): FaultAnswer | undefined => {
    const [path = "/", query = ""] = req.url.split("?");
    const provider = faultProvider(path, providerOf(path));
    if (fault.kind === "revokedToken") return revokedTokenAnswer(provider, path);
    if (fault.kind === "expiredCursor") return expiredCursorAnswer(provider, req.method, path, new URLSearchParams(query));
    return fault.status === undefined ? undefined : statusAnswer(provider, path, fault.status);
  };

  const send = (req: FastifyRequest, reply: FastifyReply, fault: InjectedFault, answer: FaultAnswer) => {
    if (fault.retryAfter !== undefined) void reply.header("retry-after", String(fault.retryAfter));
    for (const [k, v] of Object.entries(answer.headers ?? {})) void reply.header(k, v);
    void reply.header("x-sandbox-fault", fault.rule.id);
    if (answer.type) void reply.type(answer.type);
    return reply.code(answer.status).send(answer.body);
  };

  app.addHook("onRequest", async (req, reply) => {
    const [path = "/", query = ""] = req.url.split("?");
    if (path.startsWith("/_control")) return;
    const provider = faultProvider(path, providerOf(path));
    const subject = {
      get cursor() {
        return expiredCursorAnswer(provider, req.method, path, new URLSearchParams(query)) !== undefined;
      },
      get credentials() {
        return req.headers.authorization !== undefined || isTokenEndpoint(provider, path);
      },
    };
    const fault = ctx.faults.match(req.method, path, provider, targetOf(req, path, provider), subject);
    if (!fault) return;
    if (fault.delayMs) {
      (req as WithFault)[FAULT] = fault;
      return;
    }
    if (fault.drop) return drop(req, reply, fault);
    const answer = answerOf(req, fault);
    if (answer) return send(req, reply, fault, answer);
  });

  app.addHook("preHandler", async (req, reply) => {
    const fault = (req as WithFault)[FAULT];
    if (!fault?.delayMs) return;
    await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault.drop) return drop(req, reply, fault);
    const answer = answerOf(req, fault);
    if (answer) return send(req, reply, fault, answer);
  });
}
