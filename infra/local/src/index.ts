export { ensureStack, stopStack, type Stack, type StackOptions } from "./stack.js";
export { SERVICE_NAMES, type ServiceName } from "./services/types.js";
export { APP_ROLE, PORTS, VAULT_ROOT } from "./defaults.js";
export { ensureAppRole, ensureDatabase, withDatabase, withUser } from "./pg-admin.js";
export { temporalCli } from "./services/temporal.js";
