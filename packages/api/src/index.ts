export * from "./errors";
// Runtime REST code lives behind "@holdfast/api/rest" so that importing the error tables from the
// root never drags the database client into a browser bundle.
export type { ApiError, HttpMethod, RestDeps, RestHandler, Route } from "./rest/index";
export type { OpenApiDocument, OpenApiOperation } from "./openapi/index";
// Same rule for tRPC and health: runtime code behind "@holdfast/api/trpc" and "@holdfast/api/health".
export type { AppRouter, TrpcContext, HoldfastErrorData } from "./trpc/index";
export type { HealthReport, HealthComponent, ComponentHealth } from "./health/index";
