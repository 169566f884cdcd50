// The sandbox process (`pnpm dev` / `pnpm start`): listen on SANDBOX_HOST:SANDBOX_PORT
// (127.0.0.1:4010 by default), and HTTPS on the next port (4011) for clients that need https
// (the Graph client), with one seeded Google, Microsoft and Salesforce tenant, until SIGTERM/SIGINT.
import { pathToFileURL } from "node:url";
import { sandboxConfig } from "@holdfast/config";
import { childLogger } from "@holdfast/logger";
import { createSandbox } from "./server";

export async function main(): Promise<void> {
  const log = childLogger({ component: "sandbox" });
  const { host, port } = sandboxConfig();
  const sandbox = await createSandbox({ logger: log, seed: 1, tenants: [{ provider: "microsoft", seed: 1, users: 5, itemsPerUser: 200 }, { provider: "salesforce", seed: 1, users: 5, itemsPerUser: 200 }] });
  const url = await sandbox.listen({ host, port, httpsPort: port + 1 });
  for (const t of sandbox.initialTenants) log.info({ tenant: t.id, provider: t.provider, domain: t.domain, adminEmail: t.adminEmail }, "seeded tenant");
  log.info({ url, httpsUrl: sandbox.httpsUrl || undefined }, "sandbox listening");
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      log.info({ signal }, "shutdown requested");
      resolve();
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  await sandbox.close();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    childLogger({ component: "sandbox" }).fatal({ err }, err instanceof Error ? err.message : "sandbox failed");
    process.exitCode = 1;
  });
}
