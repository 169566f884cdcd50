// Handler behaviour that needs no database: routing, authentication failures that are decided
// before any query, request ids, and what an unexpected failure looks like from outside.
import type { Database } from "@holdfast/db";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createHandlerFor, createRestHandler } from "./handler";
import { MAX_BODY_BYTES } from "./http";
import { withStatus, type Route } from "./route";
import { ROUTES } from "./routes";
import { BASE, memoryLogger } from "./test-support";

const WELL_FORMED_KEY = `hf_abcdefghijkl_${"a".repeat(43)}`;

function handlerWith(db: Partial<Database> = {}) {
  const { logger, lines } = memoryLogger();
  return { handle: createRestHandler({ db: db as Database, logger }), lines };
}

describe("REST handler without a database", () => {
  it("answers unknown routes with a JSON 404", async () => {
    const { handle } = handlerWith();
    for (const url of [`${BASE}/nope`, "http://holdfast.test/api/v2/members", "http://holdfast.test/api/v1x/members"]) {
      const res = await handle(new Request(url));
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
    }
  });

  it("answers a wrong method with 405 and Allow", async () => {
    const { handle } = handlerWith();
    const res = await handle(new Request(`${BASE}/api-keys`, { method: "PUT" }));
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, POST");
    expect(await res.json()).toMatchObject({ error: { code: "method_not_allowed" } });
  });

  it("requires a bearer key, with a challenge", async () => {
    const { handle } = handlerWith();
    const res = await handle(new Request(`${BASE}/members`));
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="holdfast-api"');
    expect(await res.json()).toMatchObject({ error: { code: "unauthorized" } });
  });

  it.each([["Basic dXNlcjpwYXNz"], ["Bearer"], ["Bearer not-a-key"], [`Bearer ${WELL_FORMED_KEY} extra`]])("rejects the malformed credential %s as invalid_token", async (authorization) => {
    const { handle } = handlerWith();
    const res = await handle(new Request(`${BASE}/members`, { headers: { authorization } }));
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect(await res.json()).toEqual({ error: { code: "unauthorized", message: "Invalid or revoked API key" } });
  });

  it("routes to 404/405 before authenticating", async () => {
    const { handle } = handlerWith();
    expect((await handle(new Request(`${BASE}/api-keys/x`, { method: "GET" }))).status).toBe(405);
  });

  it("serves the OpenAPI document without authentication", async () => {
    const { handle } = handlerWith();
    const res = await handle(new Request(`${BASE}/openapi.json`));
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([...new Set(ROUTES.map((r) => r.path))]));
  });

  it("echoes a sane X-Request-Id and replaces an unsafe one", async () => {
    const { handle } = handlerWith();
    const sane = await handle(new Request(`${BASE}/nope`, { headers: { "x-request-id": "req-123.abc:9" } }));
    expect(sane.headers.get("x-request-id")).toBe("req-123.abc:9");
    const unsafe = await handle(new Request(`${BASE}/nope`, { headers: { "x-request-id": "a b<script>" } }));
    expect(unsafe.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const none = await handle(new Request(`${BASE}/nope`));
    expect(none.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("hides an unexpected error behind a generic 500 and logs the real one with the request id", async () => {
    const secret = "connect ECONNREFUSED 10.1.2.3:5432 password=hunter2";
    const { handle, lines } = handlerWith({ execute: () => Promise.reject(new Error(secret)) } as unknown as Partial<Database>);
    const res = await handle(new Request(`${BASE}/members`, { headers: { authorization: `Bearer ${WELL_FORMED_KEY}`, "x-request-id": "boom-1" } }));
    expect(res.status).toBe(500);
    expect(res.headers.get("x-request-id")).toBe("boom-1");
    const text = await res.text();
    expect(text).not.toContain("10.1.2.3");
    expect(text).not.toContain("hunter2");
    expect(JSON.parse(text)).toEqual({ error: { code: "internal", message: "Internal server error. Quote request id boom-1 if you report it." } });
    const logged = lines().find((l) => l.msg === "unhandled error in REST handler");
    expect(logged).toMatchObject({ requestId: "boom-1", level: 50, err: { message: secret } });
  });
});

describe("REST machinery with test routes", () => {
  const base = { tag: "t", summary: "", errors: [], auth: "none" } as const;
  const echo: Route = {
    ...base,
    method: "POST",
    path: "/echo/{n}",
    operationId: "echo",
    params: z.object({ n: z.coerce.number().int() }),
    query: z.object({ flag: z.enum(["on", "off"]).optional() }),
    body: z.object({ text: z.string().max(5) }),
    response: { status: 201, description: "", schema: z.object({ n: z.number(), flag: z.string().optional(), text: z.string() }) },
    run: (_ctx, input) => Promise.resolve({ ...(input.params as object), ...(input.query as object), ...(input.body as object) }),
  };
  const drifting: Route = {
    ...base,
    method: "GET",
    path: "/drift",
    operationId: "drift",
    response: { status: 200, description: "", schema: z.object({ id: z.uuid() }) },
    run: () => Promise.resolve({ id: "not-a-uuid", secretField: "x" }),
  };
  // Answers 200 or, per its query, 202 (as a guarded change does), or a status it never declared.
  const either: Route = {
    ...base,
    method: "GET",
    path: "/either",
    operationId: "either",
    query: z.object({ as: z.enum(["applied", "requested", "undeclared", "wrong"]) }),
    response: { status: 200, description: "", schema: z.object({ outcome: z.literal("applied"), status: z.number() }) },
    alternative: { status: 202, description: "", schema: z.object({ outcome: z.literal("requested") }) },
    run: (_ctx, input) => {
      const as = (input.query as { as: string }).as;
      if (as === "applied") return Promise.resolve({ outcome: "applied", status: 202 });
      if (as === "requested") return Promise.resolve(withStatus(202, { outcome: "requested" }));
      if (as === "undeclared") return Promise.resolve(withStatus(201, { outcome: "requested" }));
      return Promise.resolve(withStatus(202, { outcome: "applied", status: 200 }));
    },
  };
  const { logger, lines } = memoryLogger();
  const handle = createHandlerFor([echo, drifting, either], { db: {} as Database, logger });
  const post = (path: string, body: string, headers: Record<string, string> = { "content-type": "application/json" }) => handle(new Request(`${BASE}${path}`, { method: "POST", body, headers }));

  it("validates path, query and body and answers with the declared status", async () => {
    const res = await post("/echo/7?flag=on", JSON.stringify({ text: "hi", extra: true }));
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ n: 7, flag: "on", text: "hi" });
  });

  it("names every invalid field with its location", async () => {
    const res = await post("/echo/x?flag=maybe", JSON.stringify({ text: "too long" }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { details: { issues: { in: string; field: string }[] } } };
    expect(body.error.details.issues.map((i) => `${i.in}:${i.field}`)).toEqual(["path:n"]);
    // Path first, then query, then body: each stage stops at its own first failure.
    const q = (await (await post("/echo/1?flag=maybe", JSON.stringify({ text: "too long" }))).json()) as typeof body;
    expect(q.error.details.issues.map((i) => `${i.in}:${i.field}`)).toEqual(["query:flag"]);
    const b = (await (await post("/echo/1", JSON.stringify({ text: "too long" }))).json()) as typeof body;
    expect(b.error.details.issues.map((i) => `${i.in}:${i.field}`)).toEqual(["body:text"]);
  });

  it("refuses bodies over the limit without buffering them", async () => {
    const res = await post("/echo/1", JSON.stringify({ text: "x".repeat(MAX_BODY_BYTES) }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "validation", details: { issues: [{ field: "body", message: `must be at most ${MAX_BODY_BYTES} bytes` }] } } });
  });

  it("refuses bodies that are not JSON", async () => {
    expect((await post("/echo/1", "text=hi", { "content-type": "application/x-www-form-urlencoded" })).status).toBe(400);
    expect((await post("/echo/1", "{")).status).toBe(400);
    expect((await post("/echo/1", "[]")).status).toBe(400);
  });

  it("treats a response that breaks its own schema as a 500, never sending it", async () => {
    const res = await handle(new Request(`${BASE}/drift`, { headers: { "x-request-id": "drift-1" } }));
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain("not-a-uuid");
    expect(text).not.toContain("secretField");
    expect(lines().find((l) => l.requestId === "drift-1" && l.level === 50)).toMatchObject({ err: { type: "ResponseContractError" } });
  });

  it("answers a route's second declared status only when the handler asks for it, checked against that status's schema", async () => {
    const get = async (as: string) => {
      const res = await handle(new Request(`${BASE}/either?as=${as}`));
      return { status: res.status, json: await res.json() };
    };
    // A body with its own `status` field is still a plain 200 body.
    expect(await get("applied")).toEqual({ status: 200, json: { outcome: "applied", status: 202 } });
    expect(await get("requested")).toEqual({ status: 202, json: { outcome: "requested" } });
    expect((await get("undeclared")).status).toBe(500);
    expect((await get("wrong")).status).toBe(500);
  });

  it("answers HEAD like GET", async () => {
    expect((await handle(new Request(`${BASE}/drift`, { method: "HEAD" }))).status).toBe(500);
    expect((await handle(new Request(`${BASE}/echo/1`, { method: "HEAD" }))).status).toBe(405);
  });
});
