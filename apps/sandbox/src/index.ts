export { createSandbox, type Sandbox, type SandboxOptions } from "./server";
export type { SandboxContext } from "./context";
export type { CreateTenantInput, MutationInput, TenantSummary, TouchedItem } from "./tenants";
export type { FaultRuleInput } from "./faults/rules";
export type { LoggedRequest } from "./control/request-log";
export type { ServiceAccountKeyFile } from "./google/service-accounts";
export { DEV_CLIENTS } from "./oauth/clients";
export { HOLDFAST_PRINCIPAL as DEV_AWS_PRINCIPAL, type AwsPrincipal } from "./aws/principal";
