// REST-only envelopes around the services' schemas, and the set of schemas the OpenAPI document
// publishes as named components. Everything else is inlined where it is used.
import { ApiKey, AuditEvent, AuditEventPage, CreateApiKeyInput, CreatedApiKey, ERROR_CODES, GuardedRequestView, Member, Organization } from "@holdfast/services";
import { z } from "zod";
import { wireCode } from "../errors";

/** The domain codes, plus those only the transport produces (`gone`: an expired export's download). */
export const WIRE_ERROR_CODES = [...ERROR_CODES.map(wireCode), "method_not_allowed", "gone", "internal"];

export const ApiError = z
  .object({
    error: z.object({
      code: z.enum(WIRE_ERROR_CODES).describe("Stable, machine-readable error code"),
      message: z.string().describe("Human-readable explanation; do not parse it"),
      details: z.record(z.string(), z.unknown()).optional().describe("Structured context, e.g. the invalid fields of a validation error"),
    }),
  })
  .describe("Every error response has this shape");
export type ApiError = z.infer<typeof ApiError>;

export const IdParams = z.object({ id: z.uuid({ error: "must be a UUID" }) });

export const MemberList = z.object({ items: z.array(Member) });
export type MemberList = z.infer<typeof MemberList>;

export const ApiKeyList = z.object({ items: z.array(ApiKey) });
export type ApiKeyList = z.infer<typeof ApiKeyList>;

export const OpenApiJson = z.record(z.string(), z.unknown()).describe("An OpenAPI 3.1 document");

/** Published under #/components/schemas/<name>. Responses are rendered as output, request bodies as input. */
export const NAMED_SCHEMAS = {
  output: { Organization, Member, MemberList, ApiKey, ApiKeyList, CreatedApiKey, AuditEvent, AuditEventPage, GuardedRequest: GuardedRequestView, Error: ApiError },
  input: { CreateApiKeyInput },
} satisfies Record<"output" | "input", Record<string, z.ZodType>>;
