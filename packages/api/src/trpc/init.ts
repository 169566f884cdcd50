// tRPC initialisation and the three procedure kinds. The tenant is resolved once, in middleware,
// and handlers receive a non-nullable `ctx.tenant` (CONVENTIONS §5).
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z } from "zod";
import { resolveUserAccess, type TenantContext, type UserAccess } from "@holdfast/services";
import type { TrpcContext } from "./context";
import { asDomainError, formatError, mapProcedureError } from "./errors";

const t = initTRPC.context<TrpcContext>().create({
  transformer: superjson,
  errorFormatter: ({ shape, error, ctx }) => formatError(shape, error, ctx?.requestId ?? null),
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

/** Maps domain errors to their tRPC codes and logs what clients are not told. */
const mapErrors = t.middleware(async ({ ctx, next, path, type }) => {
  const result = await next();
  if (result.ok) return result;
  const mapped = mapProcedureError(result.error);
  const error = mapped ?? result.error;
  const domain = asDomainError(error.cause);
  if (domain?.code === "FORBIDDEN" || domain?.code === "UNAUTHORIZED") {
    ctx.log.warn({ path, type, userId: ctx.userId, reason: domain.message, code: domain.code }, "request denied");
  } else if (error.code === "INTERNAL_SERVER_ERROR") {
    ctx.log.error({ path, type, err: error.cause ?? error }, "procedure failed");
  }
  if (mapped) throw mapped;
  return result;
});

export const publicProcedure = t.procedure.use(mapErrors);

/** A signed-in user; `ctx.userId` is a string from here on. */
export const protectedProcedure = publicProcedure.use(({ ctx, next, path }) => {
  if (!ctx.userId) {
    ctx.log.info({ path, reason: "no session" }, "request denied");
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  }
  return next({ ctx: { ...ctx, userId: ctx.userId } });
});

export const TenantInput = z.object({ orgId: z.string().min(1).max(100) });

/**
 * Input carries `orgId`; the caller's role there is resolved once. A non-member gets NOT_FOUND,
 * the same as an organisation that does not exist, so ids cannot be probed.
 */
export const tenantProcedure = protectedProcedure.input(TenantInput).use(async ({ ctx, input, next, path }) => {
  let access: UserAccess;
  try {
    access = await resolveUserAccess(ctx.db, ctx.userId, input.orgId);
  } catch (err) {
    const domain = asDomainError(err);
    if (domain?.code !== "NOT_FOUND") throw err;
    ctx.log.warn({ path, userId: ctx.userId, orgId: input.orgId, reason: "not a member of the organisation" }, "tenant access denied");
    throw new TRPCError({ code: "NOT_FOUND", message: domain.message, cause: err });
  }
  const tenant: TenantContext = {
    db: ctx.db,
    tenantId: input.orgId,
    actor: { type: "user", id: ctx.userId },
    role: access.role,
    ...(access.selfService ? { selfService: access.selfService } : {}),
    requestId: ctx.requestId,
    ip: ctx.ip,
  };
  return next({ ctx: { ...ctx, tenant } });
});
