// Applies fault rules before any provider route runs. An error rule answers with the provider's
// own error shape for that status (and Retry-After when the rule sets one); a delay holds the
// request first. Delays run in preHandler, after every onRequest hook, so a slowed request
// counts as in flight for the providers' concurrency limits (Graph's 4 per mailbox).
// A drop destroys the connection: before any response ("request"), or once the handler's
// response has put its headers ("headers") or N body bytes ({ afterBytes }) on the wire — what
// a client sees as a reset or a premature close, never as an HTTP status.
// Tenant/user targeting resolves the request's bearer token (and a /users/{id}/ path segment)
// only when some rule names a tenant or user.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { SandboxContext } from "../context";
import { googleFaultError } from "../google/errors";
import { providerOf } from "../http/base-url";
import { graphFaultError } from "../microsoft/errors";
import { isMicrosoftTenant } from "../microsoft/tenant";
import type { FaultTarget, InjectedFault } from "./rules";

const FAULT = Symbol("sandbox.fault");
type WithFault = FastifyRequest & { [FAULT]?: InjectedFault };

function errorBody(provider: string | undefined, status: number): unknown {
  if (provider === "google") return googleFaultError(status).body();
  if (provider === "microsoft") return graphFaultError(status).body();
  // Salesforce's envelope: 503 SERVER_UNAVAILABLE, 500 UNKNOWN_EXCEPTION, 429/403 REQUEST_LIMIT_EXCEEDED-like.
  if (provider === "salesforce") return [{ message: "Injected fault", errorCode: status === 503 ? "SERVER_UNAVAILABLE" : status === 500 ? "UNKNOWN_EXCEPTION" : "REQUEST_LIMIT_EXCEEDED" }];
  return { error: { code: status, message: "Injected fault" } };
}

const USER_SEGMENT = /\/users\/([^/?]+)/;

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
  const targetOf = (req: FastifyRequest, path: string) => (): FaultTarget => {
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

  const send = (req: FastifyRequest, reply: FastifyReply, fault: InjectedFault, status: number) => {
    if (fault.retryAfter !== undefined) void reply.header("retry-after", String(fault.retryAfter));
    void reply.header("x-sandbox-fault", fault.rule.id);
    return reply.code(status).send(errorBody(providerOf(req.url.split("?")[0] ?? "/"), status));
  };

  app.addHook("onRequest", async (req, reply) => {
    const path = req.url.split("?")[0] ?? "/";
    if (path.startsWith("/_control")) return;
    const fault = ctx.faults.match(req.method, path, providerOf(path), targetOf(req, path));
    if (!fault) return;
    if (fault.delayMs) {
      (req as WithFault)[FAULT] = fault;
      return;
    }
    if (fault.drop) return drop(req, reply, fault);
    if (fault.status !== undefined) return send(req, reply, fault, fault.status);
  });

  app.addHook("preHandler", async (req, reply) => {
    const fault = (req as WithFault)[FAULT];
    if (!fault?.delayMs) return;
    await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault.drop) return drop(req, reply, fault);
    if (fault.status !== undefined) return send(req, reply, fault, fault.status);
  });
}
