// pino with child loggers bound to tenant/request/workflow ids. Secret-looking fields are
// redacted at the root so a careless `log.info({ token })` cannot leak them.
import { loggerConfig } from "@holdfast/config";
import { destination, pino, type DestinationStream, type Logger } from "pino";
import pretty from "pino-pretty";

export type { Logger };

export const REDACT_PATHS = [
  "password", "*.password", "token", "*.token", "secret", "*.secret", "apiKey", "*.apiKey",
  "authorization", "*.authorization", "headers.authorization", "headers.cookie", "*.totpSecret", "totpSecret",
  "refreshToken", "*.refreshToken", "accessToken", "*.accessToken",
];

let root: Logger | undefined;

export function createLogger(opts: { level?: string; name?: string; destination?: DestinationStream } = {}): Logger {
  const cfg = loggerConfig();
  return pino(
    { name: opts.name ?? "holdfast", level: opts.level ?? cfg.level, redact: { paths: REDACT_PATHS, censor: "[redacted]" } },
    // Pretty output is a synchronous stream, not a transport: no worker thread, so it also works
    // inside Next.js and Temporal's worker. Production logs stay JSON.
    opts.destination ?? (cfg.pretty ? pretty({ colorize: true, sync: true, translateTime: "HH:MM:ss.l", ignore: "pid,hostname" }) : destination(1)),
  );
}

export function logger(): Logger {
  root ??= createLogger();
  return root;
}

export function childLogger(bindings: { tenantId?: string; requestId?: string; workflowId?: string; component?: string }): Logger {
  return logger().child(bindings);
}
