export * from "./organizations";
export * from "./users";
export * from "./auth";
export * from "./memberships";
export * from "./api-keys";
export * from "./audit-events";
export { appRole } from "./_rls";
