// Generates the OpenAPI 3.1 document from the REST route table and the zod schemas it validates
// with (zod's own JSON Schema output is draft 2020-12, which is OpenAPI 3.1's dialect), so the
// published contract cannot drift from what the handler enforces.
import { z } from "zod";
import type { HttpMethod, Route } from "../rest/route";
import { NAMED_SCHEMAS } from "../rest/schemas";

export type JsonSchema = Record<string, unknown>;
type Ref = { $ref: string };

export interface OpenApiParameter {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OpenApiResponse {
  description: string;
  headers?: Record<string, Ref | JsonSchema>;
  content?: Record<string, { schema: JsonSchema | Ref }>;
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: Record<string, string[]>[];
  parameters: (OpenApiParameter | Ref)[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema | Ref }> };
  responses: Record<string, OpenApiResponse | Ref>;
}

export interface OpenApiDocument {
  [extension: string]: unknown;
  openapi: "3.1.0";
  info: { title: string; version: string; description: string };
  servers: { url: string; description?: string }[];
  security: Record<string, string[]>[];
  tags: { name: string }[];
  paths: Record<string, Partial<Record<Lowercase<HttpMethod>, OpenApiOperation>>>;
  components: {
    securitySchemes: Record<string, Record<string, string>>;
    schemas: Record<string, JsonSchema>;
    responses: Record<string, OpenApiResponse>;
    headers: Record<string, JsonSchema>;
    parameters: Record<string, OpenApiParameter>;
  };
}

const schemaRef = (name: string) => `#/components/schemas/${name}`;

/** One error response per status; each body is the shared Error schema. */
const ERROR_RESPONSES: Record<number, { name: string; description: string }> = {
  400: { name: "ValidationError", description: "The request is invalid. `error.details.issues` names each invalid field (`in` is path, query or body)." },
  401: { name: "Unauthorized", description: "The API key is missing, malformed, unknown, expired or revoked." },
  403: { name: "Forbidden", description: "The API key's role does not allow this operation." },
  404: { name: "NotFound", description: "No such resource in the caller's organisation (resources of other organisations are reported the same way)." },
  409: { name: "Conflict", description: "The request conflicts with the resource's current state." },
  410: { name: "Gone", description: "The resource existed but is no longer kept (an export archive past its expiry)." },
  412: { name: "PreconditionFailed", description: "A precondition of the operation does not hold." },
  429: { name: "RateLimited", description: "Too many requests. Retry after the number of seconds in `Retry-After`." },
  503: { name: "ServiceUnavailable", description: "A service the operation depends on (the job runner) cannot take the request now. Nothing was done; retry later." },
  500: { name: "InternalError", description: "An unexpected error. The message is generic; quote the `X-Request-Id` when reporting it." },
};

function stripMeta(schema: JsonSchema): JsonSchema {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

function componentSchemas(): { schemas: Record<string, JsonSchema>; names: Map<z.ZodType, string> } {
  const schemas: Record<string, JsonSchema> = {};
  const names = new Map<z.ZodType, string>();
  for (const io of ["output", "input"] as const) {
    const registry = z.registry<{ id: string }>();
    const named: Record<string, z.ZodType> = NAMED_SCHEMAS[io];
    for (const [name, schema] of Object.entries(named)) {
      registry.add(schema, { id: name });
      names.set(schema, name);
    }
    const generated = z.toJSONSchema(registry, { io, uri: schemaRef, unrepresentable: "throw" });
    for (const [name, schema] of Object.entries(generated.schemas)) schemas[name] = stripMeta(schema);
  }
  return { schemas, names };
}

function parameters(schema: z.ZodObject | undefined, location: "path" | "query"): OpenApiParameter[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "throw" }) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, prop]) => {
    const { description, ...rest } = prop;
    return {
      name,
      in: location,
      required: location === "path" || (json.required ?? []).includes(name),
      ...(typeof description === "string" ? { description } : {}),
      schema: rest,
    };
  });
}

export function buildOpenApiDocument(routes: readonly Route[]): OpenApiDocument {
  const { schemas, names } = componentSchemas();
  const schemaFor = (schema: z.ZodType, io: "input" | "output"): JsonSchema | Ref => {
    const name = names.get(schema);
    return name ? { $ref: schemaRef(name) } : stripMeta(z.toJSONSchema(schema, { io, unrepresentable: "throw" }));
  };
  const json = (schema: JsonSchema | Ref) => ({ "application/json": { schema } });

  const paths: OpenApiDocument["paths"] = {};
  for (const route of routes) {
    // Authenticated POSTs honour Idempotency-Key (rest/idempotency.ts): a misused key is a 409.
    const idempotent = route.auth === "bearer" && route.method === "POST" && !route.stream;
    const errorStatuses = [...new Set([...route.errors, ...(route.auth === "bearer" ? [401] : []), ...(idempotent ? [400, 409] : []), 500])].sort((a, b) => a - b);
    const operation: OpenApiOperation = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      ...(route.auth === "none" ? { security: [] } : {}),
      parameters: [
        ...parameters(route.params, "path"),
        ...parameters(route.query, "query"),
        { $ref: "#/components/parameters/RequestId" },
        ...(idempotent ? [{ $ref: "#/components/parameters/IdempotencyKey" }] : []),
      ],
      ...(route.body ? { requestBody: { required: true, content: json(schemaFor(route.body, "input")) } } : {}),
      responses: {
        ...Object.fromEntries(
          [route.response, ...(route.alternative ? [route.alternative] : [])].map((success) => [
            String(success.status),
            {
              description: success.description,
              headers: { "X-Request-Id": { $ref: "#/components/headers/X-Request-Id" }, ...(idempotent ? { "Idempotent-Replayed": { $ref: "#/components/headers/Idempotent-Replayed" } } : {}) },
              content: route.stream
                ? { [route.stream.contentType]: { schema: { type: "string", contentMediaType: route.stream.contentType } } }
                : json(schemaFor(success.schema, "output")),
            },
          ]),
        ),
        ...Object.fromEntries(
          errorStatuses.map((status) => {
            const known = ERROR_RESPONSES[status];
            if (!known) throw new Error(`route ${route.operationId} declares error status ${status}, which has no documented response`);
            return [String(status), { $ref: `#/components/responses/${known.name}` }];
          }),
        ),
      },
    };
    const item = (paths[route.path] ??= {});
    const method = route.method.toLowerCase() as Lowercase<HttpMethod>;
    if (item[method]) throw new Error(`duplicate route ${route.method} ${route.path}`);
    item[method] = operation;
  }

  const requestIdHeader = { description: "Identifies the request in our logs and in the audit log. Echoes a sane incoming `X-Request-Id`.", schema: { type: "string" } };
  return {
    openapi: "3.1.0",
    info: {
      title: "Holdfast API",
      version: "1.0.0",
      description: "Manage a Holdfast organisation programmatically. Authenticate with an API key: `Authorization: Bearer hf_…`. See docs/api.md.",
    },
    servers: [{ url: "/api/v1", description: "This deployment" }],
    security: [{ bearerAuth: [] }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "hf_<prefix>_<secret>", description: "An organisation API key, created in the console, with the CLI, or through POST /api-keys." },
      },
      schemas,
      responses: Object.fromEntries(
        Object.entries(ERROR_RESPONSES).map(([status, { name, description }]) => [
          name,
          {
            description,
            headers: {
              "X-Request-Id": { $ref: "#/components/headers/X-Request-Id" },
              ...(status === "429" || status === "503" ? { "Retry-After": { description: "Seconds to wait before retrying", schema: { type: "integer", minimum: 0 } } } : {}),
              ...(status === "401" ? { "WWW-Authenticate": { description: "The Bearer challenge", schema: { type: "string" } } } : {}),
            },
            content: json({ $ref: schemaRef("Error") }),
          },
        ]),
      ),
      headers: {
        "X-Request-Id": requestIdHeader,
        "Idempotent-Replayed": { description: "`true` when this is the stored response to an earlier request with the same Idempotency-Key", schema: { type: "string", enum: ["true"] } },
      },
      parameters: {
        RequestId: { name: "X-Request-Id", in: "header", required: false, description: "Your own id for the request (1–128 of `A-Za-z0-9._:-`); a fresh one is assigned otherwise.", schema: { type: "string", pattern: "^[A-Za-z0-9._:-]{1,128}$" } },
        IdempotencyKey: {
          name: "Idempotency-Key",
          in: "header",
          required: false,
          description:
            "Makes a POST safe to retry: 1–255 printable ASCII characters, unique per request (a UUID). For 24 hours, a retry with the same key and the same request (method, path, body) gets the first response again, marked `Idempotent-Replayed: true`, and nothing is done twice. The same key with a different request, or a retry while the first is still running, is refused with 409. A first attempt that failed on our side (5xx) is not kept, so its retry runs again. Keys are per API key.",
          schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[\\x20-\\x7E]{1,255}$" },
        },
      },
    },
  };
}
