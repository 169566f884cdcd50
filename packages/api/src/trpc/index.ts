export { appRouter, createCaller, type AppRouter } from "./router";
export { createTrpcContext, normalizeRequestId, clientIpFrom, type TrpcContext, type CreateTrpcContextOptions } from "./context";
export { publicProcedure, protectedProcedure, tenantProcedure, router } from "./init";
export { formatError, mapProcedureError, INTERNAL_MESSAGE, type HoldfastErrorData } from "./errors";
export type * from "./schemas";
