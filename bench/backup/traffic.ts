// Counts every request the in-process sandbox serves (by route key, status class and bytes sent)
// by listening on its HTTP server next to Fastify: read-only, no change to what the sandbox answers.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { routeKey } from "./stats";

export class TrafficCounter {
  readonly requests = new Map<string, number>();
  readonly bytes = new Map<string, number>();
  readonly statuses = new Map<string, number>();
  readonly #servers: Server[] = [];
  readonly #listener = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? "/";
    if (url.startsWith("/_control")) return;
    const key = routeKey(req.method ?? "GET", url);
    const socket = req.socket;
    const before = socket.bytesWritten;
    res.once("finish", () => {
      this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
      this.bytes.set(key, (this.bytes.get(key) ?? 0) + Math.max(0, socket.bytesWritten - before));
      const status = `${key} → ${res.statusCode}`;
      if (res.statusCode >= 300) this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    });
  };

  attach(server: Server): void {
    server.on("request", this.#listener);
    this.#servers.push(server);
  }

  detach(): void {
    for (const s of this.#servers.splice(0)) s.off("request", this.#listener);
  }

  snapshot(): { requests: Map<string, number>; bytes: Map<string, number>; statuses: Map<string, number> } {
    return { requests: new Map(this.requests), bytes: new Map(this.bytes), statuses: new Map(this.statuses) };
  }
}
