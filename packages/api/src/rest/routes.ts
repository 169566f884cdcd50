// The /api/v1 route table. Each entry validates its input with the services' schemas, calls one
// verb (which does its own role check and audit row) and declares its output schema; the handler
// parses every response against it and the OpenAPI document is generated from this same table.
import {
  createApiKey,
  CreateApiKeyInput,
  CreatedApiKey,
  getOrganization,
  listApiKeys,
  listAuditEvents,
  ListAuditEventsInput,
  listMembers,
  revokeApiKey,
  ApiKey,
  AuditEventPage,
  Organization,
} from "@holdfast/services";
import { buildOpenApiDocument, type OpenApiDocument } from "../openapi/document";
import { defineRoute, definePublicRoute, type Route } from "./route";
import { auditDigestRoutes } from "./routes/audit-digests";
import { catalogueRoutes } from "./routes/catalogue";
import { erasureRoutes } from "./routes/erasure";
import { exportRoutes } from "./routes/exports";
import { guardRoutes } from "./routes/guard";
import { organizationCloseRoutes } from "./routes/organization-close";
import { retentionRoutes } from "./routes/retention";
import { sourceRoutes } from "./routes/sources";
import { webhookRoutes } from "./routes/webhooks";
import { ApiKeyList, IdParams, MemberList, OpenApiJson } from "./schemas";

export const resourceRoutes: readonly Route[] = [
  defineRoute({
    method: "GET",
    path: "/organizations/{id}",
    operationId: "getOrganization",
    summary: "Get an organisation",
    description: "The caller's own organisation, or one of its child organisations when the caller is a partner. Any other id is 404.",
    tag: "Organizations",
    params: IdParams,
    response: { status: 200, description: "The organisation", schema: Organization },
    errors: [400, 404],
    handle: (ctx, { params }) => getOrganization(ctx, params.id),
  }),
  defineRoute({
    method: "GET",
    path: "/members",
    operationId: "listMembers",
    summary: "List members",
    description: "Everyone with access to the caller's organisation, oldest first.",
    tag: "Members",
    response: { status: 200, description: "The organisation's members", schema: MemberList },
    errors: [403],
    handle: async (ctx) => ({ items: await listMembers(ctx) }),
  }),
  defineRoute({
    method: "GET",
    path: "/api-keys",
    operationId: "listApiKeys",
    summary: "List API keys",
    description: "Every key of the organisation, newest first, including revoked ones. Requires the admin role.",
    tag: "API keys",
    response: { status: 200, description: "The organisation's API keys (never their secrets)", schema: ApiKeyList },
    errors: [403],
    handle: async (ctx) => ({ items: await listApiKeys(ctx) }),
  }),
  defineRoute({
    method: "POST",
    path: "/api-keys",
    operationId: "createApiKey",
    summary: "Create an API key",
    description: "Requires the admin role; a key never gets a role above its creator's. The full key is in the response once and cannot be retrieved again.",
    tag: "API keys",
    body: CreateApiKeyInput,
    response: { status: 201, description: "The new key, with its secret", schema: CreatedApiKey },
    errors: [400, 403],
    handle: (ctx, { body }) => createApiKey(ctx, body),
  }),
  defineRoute({
    method: "DELETE",
    path: "/api-keys/{id}",
    operationId: "revokeApiKey",
    summary: "Revoke an API key",
    description: "Requires the admin role. The key stops working immediately and stays listed with `revokedAt` set. Revoking an already revoked key is 404.",
    tag: "API keys",
    params: IdParams,
    response: { status: 200, description: "The revoked key", schema: ApiKey },
    errors: [400, 403, 404],
    handle: (ctx, { params }) => revokeApiKey(ctx, params.id),
  }),
  defineRoute({
    method: "GET",
    path: "/audit-events",
    operationId: "listAuditEvents",
    summary: "List audit events",
    description:
      "The organisation's hash-chained audit log, newest first. Pass `nextCursor` from one page as `cursor` to get the next; `nextCursor` is null on the last page. Pages stay stable while new events arrive. Requires the admin role.",
    tag: "Audit",
    query: ListAuditEventsInput,
    response: { status: 200, description: "One page of events", schema: AuditEventPage },
    errors: [400, 403],
    handle: (ctx, { query }) => listAuditEvents(ctx, query),
  }),
];

let document: OpenApiDocument | undefined;

/** The OpenAPI document for ROUTES, built once per process. */
export function openApiDocument(): OpenApiDocument {
  document ??= buildOpenApiDocument(ROUTES);
  return document;
}

const openApiRoute = definePublicRoute({
  method: "GET",
  path: "/openapi.json",
  operationId: "getOpenApiDocument",
  summary: "This API's OpenAPI 3.1 document",
  description: "Generated from the same schemas that validate requests and responses. No authentication needed.",
  tag: "Meta",
  response: { status: 200, description: "The OpenAPI document", schema: OpenApiJson },
  errors: [],
  handle: () => Promise.resolve(openApiDocument()),
});

export const ROUTES: readonly Route[] = [...resourceRoutes, ...sourceRoutes, ...catalogueRoutes, ...exportRoutes, ...retentionRoutes, ...guardRoutes, ...erasureRoutes, ...organizationCloseRoutes, ...webhookRoutes, ...auditDigestRoutes, openApiRoute];
