// Shared by this folder's tests only: a logger whose lines can be inspected.
import { createLogger, type Logger } from "@holdfast/logger";

export function memoryLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const raw: string[] = [];
  const logger = createLogger({ level: "debug", destination: { write: (s: string) => void raw.push(s) } });
  return { logger, lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

export const BASE = "http://holdfast.test/api/v1";
