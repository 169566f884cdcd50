// Route the Temporal SDK's own log lines (worker state, workflow/activity failures) into pino so
// the worker emits one JSON log stream.
import type { Logger } from "@holdfast/logger";
import { DefaultLogger, type LogEntry } from "@temporalio/worker";

const LEVELS = { TRACE: "trace", DEBUG: "debug", INFO: "info", WARN: "warn", ERROR: "error" } as const;

export function temporalLogger(log: Logger): DefaultLogger {
  return new DefaultLogger("INFO", ({ level, message, meta }: LogEntry) => {
    log[LEVELS[level]]({ ...meta }, message);
  });
}
