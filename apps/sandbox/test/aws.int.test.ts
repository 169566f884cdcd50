// AWS through the official clients: STS AssumeRole (trust policy, ExternalId, SigV4) against the
// sandbox, then the customer's source buckets on the stack's versitygw with the temporary
// credentials. Needs versitygw (`pnpm stack status`): without it these tests fail, never skip.
import { createHash } from "node:crypto";
import { GetObjectCommand, ListObjectVersionsCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, STSServiceException, type Credentials } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_AWS_PRINCIPAL, type TenantSummary } from "../src/index";
import { startSandbox, type Harness } from "./harness";

interface AwsTenantSummary extends TenantSummary {
  roleArn: string;
  externalId: string;
  buckets: string[];
  s3Path: string;
  region: string;
}
interface Version {
  key: string;
  versionId: string;
  isLatest: boolean;
  deleteMarker: boolean;
  size: number;
  sha256: string;
}

let h: Harness;
let a: AwsTenantSummary;
let b: AwsTenantSummary;

async function createAwsTenant(input: Record<string, unknown>): Promise<AwsTenantSummary> {
  const res = await h.control<AwsTenantSummary & { message?: string }>("POST", "/_control/tenants", { provider: "aws", ...input });
  if (res.status !== 201) throw new Error(`AWS tenant creation failed (${res.status}): ${res.body.message ?? JSON.stringify(res.body)} — the AWS suite needs the stack's versitygw (pnpm stack up / pnpm stack status)`);
  return res.body;
}

function sts(secret = DEV_AWS_PRINCIPAL.secretAccessKey): STSClient {
  return new STSClient({ region: "us-east-1", endpoint: `${h.url}/aws/sts`, credentials: { accessKeyId: DEV_AWS_PRINCIPAL.accessKeyId, secretAccessKey: secret }, maxAttempts: 1 });
}

/** The S3 client of the temporary credentials, unchanged but for the endpoint (the sandbox's S3 front). */
function s3(c: Credentials, over: Partial<{ sessionToken: string }> = {}): S3Client {
  return new S3Client({ endpoint: `${h.url}${a.s3Path}`, region: a.region, forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: c.AccessKeyId ?? "", secretAccessKey: c.SecretAccessKey ?? "", sessionToken: c.SessionToken, ...over } });
}

async function failure(p: Promise<unknown>): Promise<{ name?: string; status?: number }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof STSServiceException || err instanceof S3ServiceException) return { name: err.name, status: err.$metadata.httpStatusCode };
    throw err;
  }
  return {};
}

beforeAll(async () => {
  h = await startSandbox();
  a = await createAwsTenant({ seed: 21, users: 1, itemsPerUser: 12 });
  // A second customer whose role trusts someone else.
  b = await createAwsTenant({ seed: 22, users: 1, itemsPerUser: 3, trustedPrincipal: "arn:aws:iam::999999999999:user/someone-else" });
}, 60_000);
afterAll(async () => {
  for (const t of [a, b]) if (t) await h.control("DELETE", `/_control/tenants/${t.id}`);
  await h.close();
}, 60_000);

describe("STS AssumeRole", () => {
  it("issues temporary credentials for the role when trust and ExternalId match", async () => {
    const res = await sts().send(new AssumeRoleCommand({ RoleArn: a.roleArn, RoleSessionName: "holdfast-backup", ExternalId: a.externalId, DurationSeconds: 900 }));
    expect(res.AssumedRoleUser?.Arn).toBe(`${a.roleArn.replace(":iam::", ":sts::").replace(":role/", ":assumed-role/")}/holdfast-backup`);
    expect(res.Credentials?.AccessKeyId).toMatch(/^ASIA[0-9A-F]{16}$/);
    expect(res.Credentials?.SessionToken).toBeTruthy();
    const ttl = (res.Credentials?.Expiration?.getTime() ?? 0) - Date.now();
    expect(ttl).toBeGreaterThan(800_000);
    expect(ttl).toBeLessThanOrEqual(900_000);
    const me = await sts().send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe(DEV_AWS_PRINCIPAL.arn);
  });

  it("denies a wrong or missing ExternalId, an untrusted caller, an unknown role and a bad signature", async () => {
    expect(await failure(sts().send(new AssumeRoleCommand({ RoleArn: a.roleArn, RoleSessionName: "s1", ExternalId: "wrong" })))).toEqual({ name: "AccessDenied", status: 403 });
    expect(await failure(sts().send(new AssumeRoleCommand({ RoleArn: a.roleArn, RoleSessionName: "s1" })))).toEqual({ name: "AccessDenied", status: 403 });
    expect(await failure(sts().send(new AssumeRoleCommand({ RoleArn: b.roleArn, RoleSessionName: "s1", ExternalId: b.externalId })))).toEqual({ name: "AccessDenied", status: 403 });
    expect(await failure(sts().send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::123456789012:role/Nope", RoleSessionName: "s1", ExternalId: a.externalId })))).toEqual({ name: "AccessDenied", status: 403 });
    expect(await failure(sts("not-the-secret").send(new AssumeRoleCommand({ RoleArn: a.roleArn, RoleSessionName: "s1", ExternalId: a.externalId })))).toEqual({ name: "SignatureDoesNotMatch", status: 403 });
    expect(await failure(sts().send(new AssumeRoleCommand({ RoleArn: a.roleArn, RoleSessionName: "s1", ExternalId: a.externalId, DurationSeconds: 7200 })))).toMatchObject({ name: "ValidationError", status: 400 });
  });
});

describe("the customer's S3 with the temporary credentials", () => {
  it("lists every version and reads objects whose SHA-256 matches the manifest", async () => {
    const { Credentials: creds } = await sts().send(new AssumeRoleCommand({ RoleArn: a.roleArn, RoleSessionName: "backup", ExternalId: a.externalId }));
    const client = s3(creds ?? ({} as Credentials));
    const bucket = a.buckets[0] ?? "";
    const manifest = (await h.control<{ units: { id: string; items: Version[] }[] }>("GET", `/_control/tenants/${a.id}/manifest`)).body;
    const expected = manifest.units.find((u) => u.id === bucket)?.items ?? [];
    expect(expected.filter((v) => !v.deleteMarker).length).toBeGreaterThanOrEqual(12);

    const listed = await client.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    const versions = (listed.Versions ?? []).map((v) => `${v.Key ?? ""}@${v.VersionId ?? ""}`);
    expect(new Set(versions)).toEqual(new Set(expected.filter((v) => !v.deleteMarker).map((v) => `${v.key}@${v.versionId}`)));
    expect((listed.DeleteMarkers ?? []).length).toBe(expected.filter((v) => v.deleteMarker).length);

    for (const v of expected.filter((x) => !x.deleteMarker).slice(0, 8)) {
      const obj = await client.send(new GetObjectCommand({ Bucket: bucket, Key: v.key, VersionId: v.versionId }));
      const bytes = Buffer.from(await obj.Body?.transformToByteArray() ?? new Uint8Array());
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(v.sha256);
    }
    // Without the session token, or with another one, the keys are useless.
    const noToken = s3(creds ?? ({} as Credentials), { sessionToken: "bogus" });
    expect(await failure(noToken.send(new ListObjectVersionsCommand({ Bucket: bucket })))).toEqual({ name: "InvalidToken", status: 400 });
    noToken.destroy();
    // The role is read-only.
    expect(await failure(client.send(new PutObjectCommand({ Bucket: bucket, Key: "intruder.txt", Body: "x" })))).toMatchObject({ name: "AccessDenied", status: 403 });
    client.destroy();
  });

  it("is denied on another customer's bucket", async () => {
    const { Credentials: creds } = await sts().send(new AssumeRoleCommand({ RoleArn: a.roleArn, RoleSessionName: "backup", ExternalId: a.externalId }));
    const client = s3(creds ?? ({} as Credentials));
    expect(await failure(client.send(new ListObjectsV2Command({ Bucket: b.buckets[0] ?? "" })))).toMatchObject({ name: "AccessDenied", status: 403 });
    expect(await failure(client.send(new GetObjectCommand({ Bucket: b.buckets[0] ?? "", Key: "anything" })))).toMatchObject({ status: 403 });
    client.destroy();
  });

  it("records mutations as new versions and delete markers", async () => {
    const bucket = a.buckets[0] ?? "";
    const res = await h.control<{ touched: { id: string; action: string }[] }>("POST", `/_control/tenants/${a.id}/mutations`, { kind: "edit", fraction: 0.5, seed: 3 });
    expect(res.body.touched.length).toBeGreaterThan(0);
    const { Credentials: creds } = await sts().send(new AssumeRoleCommand({ RoleArn: a.roleArn, RoleSessionName: "backup", ExternalId: a.externalId }));
    const client = s3(creds ?? ({} as Credentials));
    const manifest = (await h.control<{ units: { id: string; items: Version[] }[] }>("GET", `/_control/tenants/${a.id}/manifest`)).body;
    const items = manifest.units.find((u) => u.id === bucket)?.items ?? [];
    const listed = await client.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    expect((listed.Versions ?? []).length).toBe(items.filter((v) => !v.deleteMarker).length);
    client.destroy();
  });
});

describe("injected faults in AWS's own error shapes", () => {
  const addRule = async (rule: Record<string, unknown>) => {
    const res = await h.control<{ rules: { id: string }[] }>("POST", "/_control/faults", { provider: "aws", ...rule });
    expect(res.status).toBe(201);
    return res.body.rules[0]?.id ?? "";
  };
  const clear = () => h.control("DELETE", "/_control/faults");
  const assume = async () => (await sts().send(new AssumeRoleCommand({ RoleArn: a.roleArn, RoleSessionName: "faults", ExternalId: a.externalId }))).Credentials ?? ({} as Credentials);

  it("STS: the SDK parses <ErrorResponse> faults into named exceptions with the status", async () => {
    // @aws-sdk posts to the endpoint's path plus "/": /aws/sts/.
    await addRule({ path: "/aws/sts/", status: 429, times: 1 });
    expect(await failure(sts().send(new GetCallerIdentityCommand({})))).toEqual({ name: "Throttling", status: 429 });
    await addRule({ path: "/aws/sts/", status: 503, times: 1 });
    expect(await failure(sts().send(new GetCallerIdentityCommand({})))).toEqual({ name: "ServiceUnavailable", status: 503 });
    await addRule({ path: "/aws/sts/", kind: "revokedToken", times: 1 });
    expect(await failure(sts().send(new AssumeRoleCommand({ RoleArn: a.roleArn, RoleSessionName: "s", ExternalId: a.externalId })))).toEqual({ name: "InvalidClientTokenId", status: 403 });
    expect((await sts().send(new GetCallerIdentityCommand({}))).Arn).toBe(DEV_AWS_PRINCIPAL.arn);
    await clear();
  });

  it("S3: SlowDown / InternalError / ExpiredToken as S3's <Error> document, and the SDK's retry gets through", async () => {
    const creds = await assume();
    const client = s3(creds);
    const bucket = a.buckets[0] ?? "";
    await addRule({ path: "/aws/s3/**", status: 503, retryAfter: 1, times: 1 });
    expect(await failure(client.send(new ListObjectsV2Command({ Bucket: bucket })))).toEqual({ name: "SlowDown", status: 503 });
    await addRule({ path: "/aws/s3/**", status: 500, times: 1 });
    expect(await failure(client.send(new ListObjectsV2Command({ Bucket: bucket })))).toEqual({ name: "InternalError", status: 500 });
    await addRule({ path: "/aws/s3/**", kind: "revokedToken", times: 1 });
    expect(await failure(client.send(new ListObjectsV2Command({ Bucket: bucket })))).toEqual({ name: "ExpiredToken", status: 400 });
    // The SDK retries SlowDown by itself (standard retry mode): one injected failure, then success.
    const id = await addRule({ path: "/aws/s3/**", status: 503, times: 1 });
    const retrying = new S3Client({ endpoint: `${h.url}${a.s3Path}`, region: a.region, forcePathStyle: true, maxAttempts: 2, credentials: { accessKeyId: creds.AccessKeyId ?? "", secretAccessKey: creds.SecretAccessKey ?? "", sessionToken: creds.SessionToken } });
    expect((await retrying.send(new ListObjectsV2Command({ Bucket: bucket }))).KeyCount).toBeGreaterThan(0);
    expect((await h.control<{ rules: { id: string; injected: number }[] }>("GET", "/_control/faults")).body.rules.find((r) => r.id === id)?.injected).toBe(1);
    retrying.destroy();
    client.destroy();
    await clear();
  });

  it("targets S3 faults by tenant through the session's access key (id, domain or account id)", async () => {
    const client = s3(await assume());
    const bucket = a.buckets[0] ?? "";
    for (const name of [a.id, a.domain, String(a.accountId)]) {
      await addRule({ status: 500, tenant: name });
      expect(await failure(client.send(new ListObjectsV2Command({ Bucket: bucket })))).toEqual({ name: "InternalError", status: 500 });
      await clear();
    }
    await addRule({ status: 500, tenant: b.id });
    expect(await failure(client.send(new ListObjectsV2Command({ Bucket: bucket })))).toEqual({});
    client.destroy();
    await clear();
  });
});
