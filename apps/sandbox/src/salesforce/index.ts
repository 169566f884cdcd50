// Everything Salesforce, under /salesforce: the OAuth web-server flow (/salesforce/services/oauth2/…),
// the identity URL and the REST API (/salesforce/services/data/…), with Salesforce's error
// envelope ([{ message, errorCode }]) for every REST failure.
import type { FastifyError, FastifyInstance } from "fastify";
import type { SandboxContext } from "../context";
import { OAuthError } from "../oauth/server";
import { registerSalesforceOAuth } from "./oauth";
import { FieldError } from "./records";
import { registerSalesforceRest, sendSalesforceError } from "./rest";

export function salesforcePlugin(app: FastifyInstance, ctx: SandboxContext, done: (err?: Error) => void): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof FieldError) return sendSalesforceError(reply, err);
    if (err instanceof OAuthError) return reply.code(err.status).send({ error: err.error, error_description: err.description });
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) return sendSalesforceError(reply.code(status), new FieldError(status === 415 ? "UNSUPPORTED_MEDIA_TYPE" : "JSON_PARSER_ERROR", err.message));
    req.log.error({ err }, "unhandled error");
    return reply.code(500).send([{ message: "An unexpected error occurred. Please include this ErrorId if you contact support", errorCode: "UNKNOWN_EXCEPTION" }]);
  });
  registerSalesforceOAuth(app, ctx);
  registerSalesforceRest(app, ctx);
  done();
}
