import { describe, expect, it } from "vitest";
import { GC_ACTIONS, READER_ACTIONS, WRITER_ACTIONS, vaultBucketPolicy } from "./policy.js";

const policy = vaultBucketPolicy("vault-t1", { writer: "w", reader: "r", gc: "g" });
const allowed = (who: string) => policy.Statement.filter((s) => s.Effect === "Allow" && s.Principal.AWS.includes(who)).flatMap((s) => s.Action);
const denied = (who: string) => policy.Statement.filter((s) => s.Effect === "Deny" && s.Principal.AWS.includes(who)).flatMap((s) => s.Action);
const DESTROY = ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:BypassGovernanceRetention"];
const CONFIG = ["s3:DeleteBucket", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketVersioning", "s3:PutBucketObjectLockConfiguration", "s3:PutLifecycleConfiguration"];

describe("vaultBucketPolicy", () => {
  it("allows each identity exactly its list", () => {
    expect(allowed("w").sort()).toEqual([...WRITER_ACTIONS].sort());
    expect(allowed("r").sort()).toEqual([...READER_ACTIONS].sort());
    expect(allowed("g").sort()).toEqual([...GC_ACTIONS].sort());
  });

  it("gives no one but GC a delete, and GC only DeleteObjectVersion", () => {
    for (const who of ["w", "r"]) {
      expect(allowed(who).filter((a) => DESTROY.includes(a))).toEqual([]);
      expect(denied(who)).toEqual(expect.arrayContaining(DESTROY));
    }
    expect(allowed("g").filter((a) => a.startsWith("s3:Delete"))).toEqual(["s3:DeleteObjectVersion"]);
    expect(denied("g")).toEqual(expect.arrayContaining(["s3:DeleteObject", "s3:BypassGovernanceRetention", "s3:PutObject"]));
  });

  it("explicitly denies every identity the bucket's configuration", () => {
    for (const who of ["w", "r", "g"]) {
      expect(denied(who)).toEqual(expect.arrayContaining(CONFIG));
      expect(allowed(who).filter((a) => CONFIG.includes(a))).toEqual([]);
    }
  });

  it("the writer can extend locks but holds nothing that weakens one", () => {
    expect(allowed("w")).toContain("s3:PutObjectRetention");
    expect(allowed("w")).not.toContain("s3:BypassGovernanceRetention");
    expect(allowed("r")).not.toContain("s3:PutObjectRetention");
  });

  it("scopes every statement to this bucket and its objects", () => {
    for (const s of policy.Statement) expect(s.Resource).toEqual(["arn:aws:s3:::vault-t1", "arn:aws:s3:::vault-t1/*"]);
  });

  it("while credentials rotate, gives the current and the new identity of a role the same rights, and no more", () => {
    const both = vaultBucketPolicy("vault-t1", { writer: ["w", "w2"], reader: ["r", "r2"], gc: ["g", "g2"] });
    const rights = (who: string, effect: "Allow" | "Deny") => both.Statement.filter((s) => s.Effect === effect && s.Principal.AWS.includes(who)).flatMap((s) => s.Action).sort();
    for (const [old, fresh] of [["w", "w2"], ["r", "r2"], ["g", "g2"]] as const) {
      expect(rights(fresh, "Allow")).toEqual(rights(old, "Allow"));
      expect(rights(fresh, "Deny")).toEqual(rights(old, "Deny"));
      expect(rights(old, "Allow")).toEqual([...(old === "w" ? WRITER_ACTIONS : old === "r" ? READER_ACTIONS : GC_ACTIONS)].sort());
    }
  });
});
