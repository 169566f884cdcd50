// pnpm stack up [service…] | down | status
import { bold, paint, say } from "./log.js";
import { logFile } from "./paths.js";
import { SERVICE_NAMES, type ServiceName } from "./services/types.js";
import { ensureStack, externalAddress, LOCAL_SERVICES, runningRecord, stopStack } from "./stack.js";

const usage = "usage: pnpm stack up [postgres|temporal|vault|stripe|mail …] | down | status";

function parseServices(args: string[]): ServiceName[] | undefined {
  if (!args.length) return undefined;
  const bad = args.filter((a) => !(SERVICE_NAMES as readonly string[]).includes(a));
  if (bad.length) throw new Error(`unknown service ${bad.join(", ")}; ${usage}`);
  return args as ServiceName[];
}

async function status(): Promise<void> {
  for (const name of SERVICE_NAMES) {
    const external = externalAddress(name);
    const svc = LOCAL_SERVICES[name];
    if (external) {
      console.log(`${name.padEnd(9)} ${paint(36, "external")}  ${name === "postgres" ? "(DATABASE_URL)" : external}`);
      continue;
    }
    const [healthy, rec] = [await svc.healthy(), runningRecord(name)];
    const state = healthy ? paint(32, "up      ") : rec ? paint(33, "starting") : paint(90, "down    ");
    const pid = rec ? `pid ${rec.pid}${rec.foreground ? " (pnpm dev)" : ""}` : healthy ? "not started by us" : "";
    console.log(`${name.padEnd(9)} ${state}  ${svc.address.padEnd(44)} ${pid.padEnd(18)} ${logFile(name)}`);
  }
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2).filter((a) => a !== "--");
  switch (command) {
    case "up": {
      const stack = await ensureStack({ services: parseServices(rest) });
      say("stack", bold("up"));
      console.log(`  DATABASE_URL       ${stack.databaseUrl}`);
      console.log(`  TEMPORAL_ADDRESS   ${stack.temporalAddress}   (UI http://localhost:8233)`);
      console.log(`  VAULT_S3_ENDPOINT  ${stack.s3Endpoint}`);
      console.log(`  STRIPE_API_BASE    ${stack.stripeApiBase}`);
      console.log(`  SMTP_URL           ${stack.smtpUrl}${stack.mailApiUrl ? `   (inbox ${stack.mailApiUrl})` : ""}`);
      return 0;
    }
    case "down": {
      const stopped = await stopStack();
      say("stack", stopped.length ? `stopped ${stopped.join(", ")}` : "nothing was running");
      return 0;
    }
    case "status":
      await status();
      return 0;
    default:
      console.error(usage);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
