import { afterEach, describe, expect, it } from "vitest";
import { type HealthServer, startHealthServer } from "./health";

let server: HealthServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("health endpoint", () => {
  it("answers 200 only while the worker is RUNNING, 503 with the state otherwise", async () => {
    let state = "RUNNING";
    server = await startHealthServer(0, () => state);
    const url = `http://127.0.0.1:${server.port}/health`;
    let res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", worker: "RUNNING" });
    for (const s of ["INITIALIZED", "DRAINING", "STOPPED", "FAILED"]) {
      state = s;
      res = await fetch(url);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: "unavailable", worker: s });
    }
  });

  it("serves nothing else", async () => {
    server = await startHealthServer(0, () => "RUNNING");
    expect((await fetch(`http://127.0.0.1:${server.port}/`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${server.port}/health`, { method: "POST" })).status).toBe(404);
  });
});
