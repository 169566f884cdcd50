// Liveness/readiness for an orchestrator: 200 only while the Temporal worker is polling.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

export async function startHealthServer(port: number, workerState: () => string): Promise<HealthServer> {
  const server = createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/health") {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not_found" }));
      return;
    }
    const state = workerState();
    const body = JSON.stringify({ status: state === "RUNNING" ? "ok" : "unavailable", worker: state });
    res.writeHead(state === "RUNNING" ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" }).end(body);
  });
  // A probe must not hold the process open after shutdown.
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
