import { execFile } from "node:child_process";
import { join } from "node:path";
import { HOST, PORTS } from "../defaults.js";
import { tcpOpen } from "../health.js";
import { dataDir, tool } from "../paths.js";
import type { LocalService } from "./types.js";

export const temporalCli = tool("temporal");
const address = `${HOST}:${PORTS.temporal}`;

/** Ready means the default namespace answers, not just an open port: start-dev listens first. */
export function temporalHealthy(addr: string = address): Promise<boolean> {
  const [host = HOST, port = "0"] = addr.split(":");
  return tcpOpen(host, Number(port)).then((open) => {
    if (!open) return false;
    return new Promise<boolean>((resolve) => {
      execFile(temporalCli, ["operator", "namespace", "describe", "--namespace", "default", "--address", addr, "--command-timeout", "3s"], { timeout: 5000 }, (err) =>
        resolve(!err),
      );
    });
  });
}

export const temporal: LocalService = {
  name: "temporal",
  address,
  healthy: () => temporalHealthy(),
  launch: () => ({
    name: "temporal",
    command: temporalCli,
    args: [
      "server", "start-dev",
      "--db-filename", join(dataDir, "temporal.db"),
      "--ip", HOST,
      "--port", String(PORTS.temporal),
      "--ui-ip", HOST,
      "--ui-port", String(PORTS.temporalUi),
    ],
  }),
  startTimeoutMs: 90_000,
};
