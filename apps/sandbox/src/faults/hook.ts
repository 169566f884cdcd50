// Applies fault rules before any provider route runs. An error rule answers with the provider's
// own error shape for that status (and Retry-After when the rule sets one); a delay holds the
// request first. Delays run in preHandler, after every onRequest hook, so a slowed request
// counts as in flight for the providers' concurrency limits (Graph's 4 per mailbox).
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { SandboxContext } from "../context";
import { googleFaultError } from "../google/errors";
import { providerOf } from "../http/base-url";
import { graphFaultError } from "../microsoft/errors";
import type { InjectedFault } from "./rules";

const FAULT = Symbol("sandbox.fault");
type WithFault = FastifyRequest & { [FAULT]?: InjectedFault };

function errorBody(provider: string | undefined, status: number): unknown {
  if (provider === "google") return googleFaultError(status).body();
  if (provider === "microsoft") return graphFaultError(status).body();
  // Salesforce's envelope: 503 SERVER_UNAVAILABLE, 500 UNKNOWN_EXCEPTION, 429/403 REQUEST_LIMIT_EXCEEDED-like.
  if (provider === "salesforce") return [{ message: "Injected fault", errorCode: status === 503 ? "SERVER_UNAVAILABLE" : status === 500 ? "UNKNOWN_EXCEPTION" : "REQUEST_LIMIT_EXCEEDED" }];
  return { error: { code: status, message: "Injected fault" } };
}

export function registerFaultHook(app: FastifyInstance, ctx: SandboxContext): void {
  const send = (req: FastifyRequest, reply: FastifyReply, fault: InjectedFault, status: number) => {
    if (fault.retryAfter !== undefined) void reply.header("retry-after", String(fault.retryAfter));
    void reply.header("x-sandbox-fault", fault.rule.id);
    return reply.code(status).send(errorBody(providerOf(req.url.split("?")[0] ?? "/"), status));
  };

  app.addHook("onRequest", async (req, reply) => {
    const path = req.url.split("?")[0] ?? "/";
    if (path.startsWith("/_control")) return;
    const fault = ctx.faults.match(req.method, path, providerOf(path));
    if (!fault) return;
    if (fault.delayMs) {
      (req as WithFault)[FAULT] = fault;
      return;
    }
    if (fault.status !== undefined) return send(req, reply, fault, fault.status);
  });

  app.addHook("preHandler", async (req, reply) => {
    const fault = (req as WithFault)[FAULT];
    if (!fault?.delayMs) return;
    await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault.status !== undefined) return send(req, reply, fault, fault.status);
  });
}
