import type { FaultRegistry } from "./faults/rules";
import type { ServiceAccounts } from "./google/service-accounts";
import type { ClientRegistry } from "./oauth/clients";
import type { SigningKey } from "./oauth/keys";
import type { TokenStore } from "./oauth/store";
import type { TenantRegistry } from "./tenants";

/** Everything the routes share; one per sandbox instance (tests run several side by side). */
export interface SandboxContext {
  tokens: TokenStore;
  clients: ClientRegistry;
  signingKey: SigningKey;
  tenants: TenantRegistry;
  faults: FaultRegistry;
  serviceAccounts: ServiceAccounts;
  /** PEM of the HTTPS listener's self-signed certificate, when HTTPS is on. */
  tlsCert?: string;
}
