import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifySigV4 } from "./sigv4";

const SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const hmac = (k: Buffer | string, s: string) => createHmac("sha256", k).update(s).digest();

/** Signs the way the SDKs do, independently of the verifier's code path. */
function sign(body: string, amzDate: string, secret = SECRET) {
  const date = amzDate.slice(0, 8);
  const payload = createHash("sha256").update(body).digest("hex");
  const headers = { host: "127.0.0.1:4010", "x-amz-date": amzDate, "content-type": "application/x-www-form-urlencoded; charset=utf-8" };
  const canonical = ["POST", "/aws/sts", "", `content-type:${headers["content-type"]}\nhost:${headers.host}\nx-amz-date:${amzDate}\n`, "content-type;host;x-amz-date", payload].join("\n");
  const scope = `${date}/us-east-1/sts/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, createHash("sha256").update(canonical).digest("hex")].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), "us-east-1"), "sts"), "aws4_request");
  const sig = createHmac("sha256", key).update(toSign).digest("hex");
  return { ...headers, authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${scope}, SignedHeaders=content-type;host;x-amz-date, Signature=${sig}` };
}

describe("verifySigV4", () => {
  const body = "Action=AssumeRole&Version=2011-06-15";
  const now = Date.UTC(2026, 0, 2, 3, 4, 5);
  const amzDate = "20260102T030405Z";
  const lookup = (k: string) => (k === "AKIDEXAMPLE" ? SECRET : undefined);

  it("accepts a correct signature", () => {
    expect(verifySigV4({ method: "POST", path: "/aws/sts", query: "", headers: sign(body, amzDate), body }, lookup, now)).toMatchObject({ ok: true, accessKeyId: "AKIDEXAMPLE", service: "sts" });
  });

  it("rejects a wrong secret, a tampered body, an unknown key and a stale date", () => {
    expect(verifySigV4({ method: "POST", path: "/aws/sts", query: "", headers: sign(body, amzDate, "other"), body }, lookup, now)).toMatchObject({ ok: false, code: "SignatureDoesNotMatch" });
    expect(verifySigV4({ method: "POST", path: "/aws/sts", query: "", headers: sign(body, amzDate), body: `${body}&x=1` }, lookup, now)).toMatchObject({ ok: false, code: "SignatureDoesNotMatch" });
    expect(verifySigV4({ method: "POST", path: "/aws/sts", query: "", headers: sign(body, amzDate), body }, () => undefined, now)).toMatchObject({ ok: false, code: "InvalidClientTokenId" });
    expect(verifySigV4({ method: "POST", path: "/aws/sts", query: "", headers: sign(body, amzDate), body }, lookup, now + 20 * 60_000)).toMatchObject({ ok: false, code: "RequestExpired" });
  });
});
