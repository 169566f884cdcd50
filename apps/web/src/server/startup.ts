// Run once when the server process starts (instrumentation.ts): bad configuration or an
// unreachable database stops the server with a message naming the problem, instead of
// surfacing later as a 500 on somebody's first request.
import { kekConfig, webConfig } from "@holdfast/config";
import { checkConnection } from "@holdfast/db";
import { dbHandle } from "./db";

export async function assertReadyToServe(): Promise<void> {
  try {
    webConfig();
    kekConfig();
    await checkConnection(dbHandle());
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`\nHoldfast web cannot start:\n  ${message.split("\n").join("\n  ")}\n`);
    process.exit(1);
  }
}
