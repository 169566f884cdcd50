// A request log for drills and tests that must see the traffic as the provider saw it: when each
// request arrived, for whom, and what it was answered (status, Retry-After, the fault rule that
// answered). Off by default — nothing is recorded, and nothing is spent per request beyond one
// flag check, until `POST /_control/requests` starts a recording; it keeps the last `capacity`
// entries. Query strings, headers and bodies are never kept (tokens travel in some).
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { SandboxContext } from "../context";
import { faultProvider } from "../faults/shapes";
import { providerOf } from "../http/base-url";
import { isMicrosoftTenant } from "../microsoft/tenant";
import { isLoopback } from "./routes";

export interface LoggedRequest {
  /** Order of arrival since the recording started. */
  seq: number;
  method: string;
  /** The path without its query string. */
  path: string;
  provider?: string;
  /** The sandbox tenant the bearer token belongs to. */
  tenant?: string;
  /** The user the request acts on (lower case): the path's `/users/{id}/`, else the delegated token's user; Microsoft: the UPN. */
  user?: string;
  /** Epoch ms when the request arrived and when its response finished. */
  at: number;
  end: number;
  status: number;
  /** The Retry-After header sent, as sent. */
  retryAfter?: string;
  /** The id of the fault rule that answered or cut the request. */
  fault?: string;
}

const StartInput = z.object({ capacity: z.number().int().min(1).max(1_000_000).default(100_000) });
const ARRIVED = Symbol("sandbox.requestLog.arrived");
const USER_SEGMENT = /\/users\/([^/?]+)/;

export function registerRequestLog(app: FastifyInstance, ctx: SandboxContext): void {
  let capacity = 0;
  let entries: LoggedRequest[] = [];
  let seq = 0;
  let dropped = 0;

  const who = (req: FastifyRequest, path: string): { tenant?: string; user?: string } => {
    const auth = req.headers.authorization;
    const token = auth && /^bearer /i.test(auth) ? ctx.tokens.lookupAccess(auth.slice(7).trim()) : undefined;
    const tenant = token ? ctx.tenants.get(token.tenantId) : undefined;
    const segment = USER_SEGMENT.exec(path)?.[1];
    let user = segment && segment !== "me" ? decodeURIComponent(segment) : token && !token.appOnly ? token.subject : undefined;
    if (user && tenant && isMicrosoftTenant(tenant)) user = tenant.user(user)?.userPrincipalName ?? user;
    return { ...(tenant ? { tenant: tenant.id } : {}), ...(user ? { user: user.toLowerCase() } : {}) };
  };

  app.addHook("onRequest", (req, _reply, done) => {
    if (capacity > 0) (req as FastifyRequest & { [ARRIVED]?: number })[ARRIVED] = Date.now();
    done();
  });

  app.addHook("onResponse", async (req, reply) => {
    const at = (req as FastifyRequest & { [ARRIVED]?: number })[ARRIVED];
    if (capacity === 0 || at === undefined) return;
    const path = req.url.split("?")[0] ?? "/";
    if (path.startsWith("/_control")) return;
    const retryAfter = reply.getHeader("retry-after");
    const fault = reply.getHeader("x-sandbox-fault");
    const provider = faultProvider(path, providerOf(path));
    entries.push({
      seq: ++seq,
      method: req.method,
      path,
      ...(provider ? { provider } : {}),
      ...who(req, path),
      at,
      end: Date.now(),
      status: reply.statusCode,
      ...(retryAfter !== undefined ? { retryAfter: String(retryAfter) } : {}),
      ...(fault !== undefined ? { fault: String(fault) } : {}),
    });
    if (entries.length > capacity) {
      dropped += entries.length - capacity;
      entries = entries.slice(entries.length - capacity);
    }
  });

  const loopbackOnly = (req: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    if (!isLoopback(req.socket.remoteAddress)) {
      void reply.code(403).send({ error: "forbidden", message: "the control API answers loopback callers only" });
      return;
    }
    done();
  };

  app.post("/_control/requests", { onRequest: loopbackOnly }, async (req, reply) => {
    const input = StartInput.safeParse(req.body ?? {});
    if (!input.success) return reply.code(400).send({ error: "invalid_request", issues: input.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) });
    capacity = input.data.capacity;
    entries = [];
    seq = 0;
    dropped = 0;
    return reply.code(201).send({ recording: true, capacity });
  });

  app.get("/_control/requests", { onRequest: loopbackOnly }, (_req, reply) => reply.send({ recording: capacity > 0, capacity, dropped, requests: entries }));

  app.delete("/_control/requests", { onRequest: loopbackOnly }, (_req, reply) => {
    const removed = entries.length;
    capacity = 0;
    entries = [];
    seq = 0;
    dropped = 0;
    return reply.send({ recording: false, removed });
  });
}
