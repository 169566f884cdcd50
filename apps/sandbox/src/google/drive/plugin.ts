// Drive in its own encapsulated scope: uploads carry file bytes of any content type, so here
// only JSON metadata requests are parsed; every other body (text/plain included) stays bytes.
import type { FastifyInstance } from "fastify";
import type { SandboxContext } from "../../context";
import { registerDrive } from "./routes";
import { registerDriveUploads } from "./upload";

export function registerDriveScope(app: FastifyInstance, ctx: SandboxContext, done: (err?: Error) => void): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, next) => next(null, body));
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (req, body, next) => {
    const raw = body as Buffer;
    // Media bytes that happen to be JSON (uploadType=media, resumable chunks) stay bytes.
    if (req.method === "PUT" || /[?&]uploadType=media\b/.test(req.url) || raw.length === 0) return next(null, raw.length ? raw : undefined);
    try {
      next(null, JSON.parse(raw.toString("utf8")));
    } catch {
      const err = Object.assign(new Error("Invalid JSON payload received."), { statusCode: 400 });
      next(err, undefined);
    }
  });
  registerDrive(app, ctx);
  registerDriveUploads(app, ctx);
  done();
}
