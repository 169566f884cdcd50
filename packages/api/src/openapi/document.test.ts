import { compileErrors, validate } from "@readme/openapi-parser";
import { describe, expect, it } from "vitest";
import { ROUTES } from "../rest/routes";
import { WIRE_ERROR_CODES } from "../rest/schemas";
import { buildOpenApiDocument } from "./document";

const doc = buildOpenApiDocument(ROUTES);

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    // The validator dereferences in place, so give it a copy.
    const result = await validate(structuredClone(doc) as unknown as Parameters<typeof validate>[0]);
    expect(result.valid, result.valid ? "" : compileErrors(result)).toBe(true);
    expect(result.warnings).toEqual([]);
    expect(doc.openapi).toBe("3.1.0");
  });

  it("is checked by a validator that does reject broken documents", async () => {
    const broken = structuredClone(doc) as unknown as Record<string, unknown>;
    delete broken.info;
    (broken.paths as Record<string, unknown>)["/members"] = { get: { responses: { "200": { content: {} } } } };
    const result = await validate(broken as Parameters<typeof validate>[0]);
    expect(result.valid).toBe(false);
  });

  it("documents every route in the table, once, with its operation id", () => {
    const documented = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`));
    expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path} ${r.operationId}`).sort());
  });

  it("declares a path parameter for every {template} segment, and nothing else in the path", () => {
    for (const route of ROUTES) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase() as "get"];
      const inPath = op?.parameters.flatMap((p) => ("in" in p && p.in === "path" ? [p.name] : [])) ?? [];
      const templated = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(inPath, route.operationId).toEqual(templated);
    }
  });

  it("documents request bodies, success responses and errors from the route table", () => {
    for (const route of ROUTES) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase() as "get"];
      expect(op, route.operationId).toBeDefined();
      if (!op) continue;
      expect(Boolean(op.requestBody), route.operationId).toBe(Boolean(route.body));
      expect(Object.keys(op.responses)).toContain(String(route.response.status));
      for (const status of [...route.errors, 500]) expect(Object.keys(op.responses), route.operationId).toContain(String(status));
      if (route.auth === "bearer") expect(op.responses["401"]).toBeDefined();
      else expect(op.security).toEqual([]);
    }
  });

  it("secures everything with bearer API keys by default", () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
  });

  it("publishes one error schema listing every wire code, used by every error response", () => {
    const error = doc.components.schemas.Error as { properties: { error: { properties: { code: { enum: string[] } }; required: string[] } } };
    expect(error.properties.error.properties.code.enum).toEqual(WIRE_ERROR_CODES);
    expect(error.properties.error.required).toEqual(["code", "message"]);
    for (const response of Object.values(doc.components.responses)) {
      expect(response.content?.["application/json"]?.schema).toEqual({ $ref: "#/components/schemas/Error" });
    }
    expect(doc.components.responses.RateLimited?.headers).toHaveProperty("Retry-After");
  });

  it("renders request bodies as input (defaults optional) and responses as output", () => {
    const input = doc.components.schemas.CreateApiKeyInput as { required: string[]; properties: Record<string, { default?: unknown }> };
    expect(input.required).toEqual(["name"]);
    expect(input.properties.role?.default).toBe("viewer");
    const apiKey = doc.components.schemas.ApiKey as { required: string[] };
    expect(apiKey.required).toContain("revokedAt");
  });

  it("documents Idempotency-Key on every authenticated POST, and only there", () => {
    expect(doc.components.parameters.IdempotencyKey).toMatchObject({ name: "Idempotency-Key", in: "header", required: false });
    const posts = ROUTES.filter((r) => r.method === "POST" && r.auth === "bearer");
    expect(posts.map((r) => r.operationId)).toEqual(expect.arrayContaining(["createApiKey", "requestBackup", "createRestore"]));
    for (const route of ROUTES) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase() as "get"];
      const refs = op?.parameters.flatMap((p) => ("$ref" in p ? [p.$ref] : [])) ?? [];
      const idempotent = posts.includes(route);
      expect(refs.includes("#/components/parameters/IdempotencyKey"), route.operationId).toBe(idempotent);
      if (idempotent) {
        expect(op?.responses["409"], route.operationId).toEqual({ $ref: "#/components/responses/Conflict" });
        expect((op?.responses[String(route.response.status)] as { headers: Record<string, unknown> }).headers).toHaveProperty("Idempotent-Replayed");
      }
    }
  });

  it("documents 503 for the operations that start jobs", () => {
    for (const id of ["requestBackup", "createRestore"]) {
      const route = ROUTES.find((r) => r.operationId === id);
      expect(route, id).toBeDefined();
      const op = route && doc.paths[route.path]?.[route.method.toLowerCase() as "post"];
      expect(op?.responses["503"], id).toEqual({ $ref: "#/components/responses/ServiceUnavailable" });
      expect(op?.responses["202"], id).toBeDefined();
    }
  });

  it("has only resolvable local references", () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) {
      const pointer = (JSON.parse(`{${ref}}`) as { $ref: string }).$ref;
      expect(pointer.startsWith("#/")).toBe(true);
      const target = pointer
        .slice(2)
        .split("/")
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
      expect(target, pointer).toBeDefined();
    }
  });
});
