// What the webhook sender needs: the worker wires these to @holdfast/services' webhooks (the due
// tenants through a definer function, each tenant's deliveries under RLS).
export interface WebhookPorts {
  /** Tenants with a delivery due now. */
  tenants(): Promise<string[]>;
  /** Sends one tenant's due deliveries (a bounded batch); a delivery's failure is in the counts, not thrown. */
  deliver(tenantId: string): Promise<{ delivered: number; retried: number; failed: number }>;
}
