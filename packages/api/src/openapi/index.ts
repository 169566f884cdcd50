export { buildOpenApiDocument, type OpenApiDocument, type OpenApiOperation, type OpenApiParameter, type OpenApiResponse, type JsonSchema } from "./document";
