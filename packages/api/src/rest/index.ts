export { API_BASE_PATH, createRestHandler, type RestDeps, type RestHandler } from "./handler";
export { openApiDocument, ROUTES } from "./routes";
export { buildOpenApiDocument, type OpenApiDocument, type OpenApiOperation } from "../openapi/index";
export type { HttpMethod, Route } from "./route";
export { ApiError, ApiKeyList, MemberList, WIRE_ERROR_CODES } from "./schemas";
