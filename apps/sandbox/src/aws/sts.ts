// AWS STS (query protocol, API version 2011-06-15) at /aws/sts: point `@aws-sdk/client-sts` at it
// with `endpoint: "<sandbox>/aws/sts"`. Implements AssumeRole and GetCallerIdentity.
//
// Documented behaviour implemented (STS API Reference "AssumeRole", IAM User Guide "How to use an
// external ID"):
// - POST form body Action=AssumeRole&Version=2011-06-15&RoleArn&RoleSessionName&ExternalId&DurationSeconds,
//   signed with SigV4 by the caller's long-term key (InvalidClientTokenId / SignatureDoesNotMatch).
// - The role must exist and its trust policy must name the caller, and the sts:ExternalId
//   condition must match: otherwise 403 AccessDenied "User: <caller> is not authorized to perform:
//   sts:AssumeRole on resource: <role>".
// - RoleSessionName 2–64 of [\w+=,.@-]; DurationSeconds 900–3600 (the role's default maximum):
//   400 ValidationError otherwise.
// - Response: AssumeRoleResult { AssumedRoleUser { Arn arn:aws:sts::<acct>:assumed-role/<role>/<session>,
//   AssumedRoleId AROA…:<session> }, Credentials { AccessKeyId, SecretAccessKey, SessionToken,
//   Expiration }, PackedPolicySize }, ResponseMetadata { RequestId }; errors as ErrorResponse XML.
import { randomBytes, randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { SandboxContext } from "../context";
import { flatten } from "../oauth/server";
import { rawBody } from "../http/raw-body";
import { principalByKey, type AwsPrincipal } from "./principal";
import { verifySigV4 } from "./sigv4";
import { isAwsTenant } from "./tenant";

export const STS_PATH = "/aws/sts";
const NS = "https://sts.amazonaws.com/doc/2011-06-15/";

const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function stsError(reply: FastifyReply, status: number, code: string, message: string) {
  const requestId = randomUUID();
  return reply
    .code(status)
    .type("text/xml")
    .header("x-amzn-requestid", requestId)
    .send(`<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`);
}

function ok(reply: FastifyReply, action: string, result: string) {
  const requestId = randomUUID();
  return reply.type("text/xml").header("x-amzn-requestid", requestId).send(`<${action}Response xmlns="${NS}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`);
}

export function registerSts(app: FastifyInstance, ctx: SandboxContext): void {
  const handle = async (req: FastifyRequest, reply: FastifyReply) => {
    const [path = "/", query = ""] = req.url.split("?");
    const body = rawBody(req) ?? "";
    const sig = verifySigV4({ method: req.method, path, query, headers: req.headers, body }, (k) => principalByKey(k)?.secretAccessKey);
    if (!sig.ok) return stsError(reply, sig.code === "IncompleteSignature" ? 400 : 403, sig.code, sig.message);
    const caller = principalByKey(sig.accessKeyId);
    if (!caller) return stsError(reply, 403, "InvalidClientTokenId", "The security token included in the request is invalid.");
    const params = { ...Object.fromEntries(new URLSearchParams(query)), ...flatten(req.body) };
    if (params.Version && params.Version !== "2011-06-15") return stsError(reply, 400, "InvalidAction", `Could not find operation ${params.Action ?? ""} for version ${params.Version}`);
    if (params.Action === "GetCallerIdentity") return ok(reply, "GetCallerIdentity", `<Arn>${caller.arn}</Arn><UserId>AIDA${caller.accessKeyId.slice(4)}</UserId><Account>${caller.accountId}</Account>`);
    if (params.Action === "AssumeRole") return assumeRole(ctx, reply, caller, params);
    return stsError(reply, 400, "InvalidAction", `Could not find operation ${params.Action ?? ""} for version 2011-06-15`);
  };
  app.post(STS_PATH, handle);
  app.get(STS_PATH, handle);
}

function assumeRole(ctx: SandboxContext, reply: FastifyReply, caller: AwsPrincipal, p: Record<string, string>) {
  const roleArn = p.RoleArn ?? "";
  const sessionName = p.RoleSessionName ?? "";
  if (!/^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(roleArn) || roleArn.length < 20) return stsError(reply, 400, "ValidationError", `1 validation error detected: Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern`);
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) return stsError(reply, 400, "ValidationError", `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
  const duration = p.DurationSeconds ? Number(p.DurationSeconds) : 3600;
  if (!Number.isInteger(duration) || duration < 900 || duration > 3600) return stsError(reply, 400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  const denied = () => stsError(reply, 403, "AccessDenied", `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
  const tenant = ctx.tenants.ofProvider("aws", isAwsTenant).find((t) => t.roleArn === roleArn);
  // The three checks answer alike, as AWS does: the caller learns nothing about which failed.
  if (!tenant || tenant.trustedPrincipal !== caller.arn || tenant.externalId !== (p.ExternalId ?? "")) return denied();
  const expiresAt = Date.now() + duration * 1000;
  const sessionToken = `FwoGZXIvYXdzE${randomBytes(96).toString("base64")}`;
  const session = { accessKeyId: `ASIA${randomBytes(8).toString("hex").toUpperCase()}`, secretAccessKey: randomBytes(30).toString("base64"), sessionToken, expiresAt, sessionName };
  // Expired sessions are dropped; the S3 front answers ExpiredToken until then.
  tenant.sessions.splice(0, tenant.sessions.length, ...tenant.sessions.filter((s) => s.expiresAt > Date.now() - 3600_000), session);
  const roleName = roleArn.split("/").pop() ?? "";
  return ok(
    reply,
    "AssumeRole",
    `<AssumedRoleUser><AssumedRoleId>AROA${tenant.accountId}SBX:${xml(sessionName)}</AssumedRoleId><Arn>arn:aws:sts::${tenant.accountId}:assumed-role/${xml(roleName)}/${xml(sessionName)}</Arn></AssumedRoleUser>` +
      `<Credentials><AccessKeyId>${session.accessKeyId}</AccessKeyId><SecretAccessKey>${xml(session.secretAccessKey)}</SecretAccessKey><SessionToken>${xml(sessionToken)}</SessionToken><Expiration>${new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, "Z")}</Expiration></Credentials>` +
      `<PackedPolicySize>0</PackedPolicySize>`,
  );
}
