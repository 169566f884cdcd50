// Integration-test support: an in-process sandbox, a Google tenant with a service-account key,
// and the connector pointed at it by base URL only. Used by the *.int.test.ts files only.
import { createSandbox, type ServiceAccountKeyFile, type TenantSummary } from "@holdfast/sandbox";
import { MemoryLimiterStore, Throttle } from "../core/throttle";
import type { ItemContent, SourceConnector } from "../core/types";
import { collect } from "../core/stream";
import { createGoogleConnector, type GoogleConnectorOptions } from "./index";

export interface GoogleSandbox {
  url: string;
  tenant: TenantSummary;
  key: ServiceAccountKeyFile;
  connector: SourceConnector;
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** A connector for the same tenant with other options (another key, other limits). */
  connect(overrides?: Partial<GoogleConnectorOptions>): SourceConnector;
  close(): Promise<void>;
}

export async function startGoogleSandbox(tenantInput: { seed: number; users: number; itemsPerUser: number; driveFilesPerUser?: number; eventsPerUser?: number; largeFilesMiB?: number[] }): Promise<GoogleSandbox> {
  const sandbox = await createSandbox();
  const url = await sandbox.listen({ port: 0 });
  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const tenant = await control<TenantSummary>("POST", "/_control/tenants", { provider: "google", ...tenantInput });
  const key = await control<ServiceAccountKeyFile>("POST", `/_control/tenants/${tenant.id}/service-accounts`, {});
  const connect = (overrides: Partial<GoogleConnectorOptions> = {}) =>
    createGoogleConnector({
      serviceAccountKey: JSON.stringify(key),
      adminEmail: tenant.adminEmail,
      rootUrl: `${url}/`,
      tokenUrl: `${url}/google/token`,
      throttle: new Throttle({ store: new MemoryLimiterStore(), maxWaitMs: 30_000 }),
      // Conflicts are found by id here; the tests of Message-ID matching turn the search on.
      messageIdSearch: false,
      ...overrides,
    });
  return { url, tenant, key, connector: connect(), control, connect, close: () => sandbox.close() };
}

export { drain } from "../test-support/drain";

export async function bytesOf(content: ItemContent): Promise<Buffer> {
  return collect(content.body);
}
