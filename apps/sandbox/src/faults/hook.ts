// Applies fault rules before any provider route runs. The response is the provider's own error
// shape for that status, with Retry-After when the rule sets one.
import type { FastifyInstance } from "fastify";
import type { SandboxContext } from "../context";
import { googleFaultError } from "../google/errors";
import { providerOf } from "../http/base-url";

export function registerFaultHook(app: FastifyInstance, ctx: SandboxContext): void {
  app.addHook("onRequest", async (req, reply) => {
    const path = req.url.split("?")[0] ?? "/";
    if (path.startsWith("/_control")) return;
    const provider = providerOf(path);
    const fault = ctx.faults.match(req.method, path, provider);
    if (!fault) return;
    if (fault.retryAfter !== undefined) void reply.header("retry-after", String(fault.retryAfter));
    void reply.header("x-sandbox-fault", fault.rule.id);
    const body = provider === "google" ? googleFaultError(fault.status).body() : { error: { code: fault.status, message: "Injected fault" } };
    return reply.code(fault.status).send(body);
  });
}
