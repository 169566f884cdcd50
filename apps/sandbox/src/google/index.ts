// Everything Google, with Google's error envelope for every failure.
//
// googleapis builds request URLs as `rootUrl + "/gmail/v1/…"` and then, when rootUrl is set on
// the API object, keeps only the *path* of that URL and resolves it against rootUrl — any path
// in rootUrl is dropped. So the REST resources are served at their real paths from the server
// root (rootUrl = "http://127.0.0.1:4010/"), and again under /google for clients that pass a
// per-call rootUrl. The OAuth endpoints are full URLs in every client and live under /google.
import type { FastifyError, FastifyInstance } from "fastify";
import type { SandboxContext } from "../context";
import { registerCalendar } from "./calendar/routes";
import { registerDirectory } from "./directory/users";
import { registerDriveScope } from "./drive/plugin";
import { GoogleApiError } from "./errors";
import { registerGmail } from "./gmail/routes";
import { registerGoogleOAuth } from "./oauth";
import { registerPeople } from "./people/routes";

export async function googlePlugin(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof GoogleApiError) {
      const status: number = err.code;
      return reply.code(status).send(err.body());
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send(new GoogleApiError(status, status === 413 ? "Request Entity Too Large" : err.message, status === 413 ? "uploadTooLarge" : "badRequest").body());
    }
    req.log.error({ err }, "unhandled error");
    return reply.code(500).send(new GoogleApiError(500, "Internal error encountered.", "backendError").body());
  });
  registerGoogleOAuth(app, ctx);
  const apis = (scope: FastifyInstance, _opts: unknown, done: (err?: Error) => void) => {
    registerDirectory(scope, ctx);
    registerGmail(scope, ctx);
    registerCalendar(scope, ctx);
    registerPeople(scope, ctx);
    void scope.register((drive, _o, next) => registerDriveScope(drive, ctx, next));
    done();
  };
  await app.register(apis);
  await app.register(apis, { prefix: "/google" });
}
