// S3 for the role's temporary credentials, at /aws/s3 (path-style): point `@aws-sdk/client-s3` at
// `<sandbox>/aws/s3` with `forcePathStyle: true` and the AssumeRole credentials, session token
// included. versitygw (the stack's S3) has no STS, so this front checks what AWS would — the
// SigV4 signature by the session's secret, the X-Amz-Security-Token, expiry (400 InvalidToken /
// ExpiredToken) — and forwards reads to versitygw re-signed with the role's reader identity,
// whose bucket policy grants read-only access to that customer's buckets. Writes are denied here
// (the role is read-only; 403 AccessDenied), everything else versitygw decides. Bodies stream.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { SandboxContext } from "../context";
import { signV4, verifySigV4 } from "./sigv4";
import { isAwsTenant, type AwsTenant, type Session } from "./tenant";

export const S3_PREFIX = "/aws/s3";
const EMPTY_SHA256 = createHash("sha256").update("").digest("hex");
const PASS_REQUEST = ["range", "if-match", "if-none-match", "if-modified-since", "if-unmodified-since"];
const PASS_RESPONSE = ["content-type", "content-length", "content-range", "content-encoding", "content-disposition", "etag", "last-modified", "accept-ranges", "x-amz-version-id", "x-amz-delete-marker", "x-amz-request-id", "x-amz-checksum-crc32", "x-amz-checksum-sha256"];

function s3Error(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).type("application/xml").send(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>sandbox</RequestId></Error>`);
}

export function registerS3Proxy(app: FastifyInstance, ctx: SandboxContext): void {
  const sessionOf = (accessKeyId: string): { tenant: AwsTenant; session: Session } | undefined => {
    for (const tenant of ctx.tenants.ofProvider("aws", isAwsTenant)) {
      const session = tenant.sessions.find((s) => s.accessKeyId === accessKeyId);
      if (session) return { tenant, session };
    }
    return undefined;
  };

  const handle = async (req: FastifyRequest, reply: FastifyReply) => {
    const [path = "/", query = ""] = req.url.split("?");
    const sig = verifySigV4({ method: req.method, path, query, headers: req.headers, body: "" }, (k) => sessionOf(k)?.session.secretAccessKey);
    if (!sig.ok) return s3Error(reply, 403, sig.code === "InvalidClientTokenId" ? "InvalidAccessKeyId" : sig.code, sig.message);
    const hit = sessionOf(sig.accessKeyId);
    if (!hit) return s3Error(reply, 403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.");
    if (req.headers["x-amz-security-token"] !== hit.session.sessionToken) return s3Error(reply, 400, "InvalidToken", "The provided token is malformed or otherwise invalid.");
    if (hit.session.expiresAt <= Date.now()) return s3Error(reply, 400, "ExpiredToken", "The provided token has expired.");
    if (req.method !== "GET" && req.method !== "HEAD") return s3Error(reply, 403, "AccessDenied", "Access Denied");

    const { tenant } = hit;
    const url = new URL(`${tenant.endpoint.replace(/\/$/, "")}${path.slice(S3_PREFIX.length) || "/"}${query ? `?${query}` : ""}`);
    const headers: Record<string, string> = signV4({ method: req.method, url, region: tenant.region, service: "s3", accessKeyId: tenant.reader.accessKeyId, secretAccessKey: tenant.reader.secretAccessKey, payloadHash: EMPTY_SHA256 });
    for (const h of PASS_REQUEST) {
      const v = req.headers[h];
      if (typeof v === "string") headers[h] = v;
    }
    const res = await fetch(url, { method: req.method, headers });
    void reply.code(res.status);
    for (const h of PASS_RESPONSE) {
      const v = res.headers.get(h);
      if (v !== null) void reply.header(h, v);
    }
    if (!res.body || req.method === "HEAD") return reply.send();
    return reply.send(Readable.fromWeb(res.body));
  };
  app.route({ method: ["GET", "HEAD", "PUT", "POST", "DELETE"], url: `${S3_PREFIX}/*`, handler: handle });
  app.route({ method: ["GET", "HEAD"], url: S3_PREFIX, handler: handle });
}
