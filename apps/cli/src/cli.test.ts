// Argument handling and configuration errors: everything decided before the database is touched.
import { describe, expect, it } from "vitest";
import { run } from "./cli";
import { parseOptions } from "./commands/admin-org-create";

async function cli(argv: string[], env: Record<string, string | undefined> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), env });
  return { code, stdout, stderr };
}

const VALID = ["admin", "org", "create", "--name", "Acme", "--owner-email", "owner@acme.test", "--owner-password", "a-long-enough-password"];

describe("holdfast CLI", () => {
  it("prints help with exit code 0", async () => {
    const res = await cli(["admin", "org", "create", "--help"]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("--owner-email <email>");
  });

  it.each([
    [[], "Usage: holdfast"],
    [["frob"], "unknown command 'frob'"],
    [["admin", "org", "create", "--name", "Acme"], "required option '--owner-email <email>' not specified"],
    [[...VALID, "--bogus"], "unknown option '--bogus'"],
  ])("exits 2 on a usage error: %j", async (argv, message) => {
    const res = await cli(argv);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(message);
    expect(res.stdout).toBe("");
  });

  it("exits 2 naming each invalid option", async () => {
    const res = await cli(["admin", "org", "create", "--name", " ", "--owner-email", "nope", "--owner-password", "short", "--parent", "123"]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("--name must not be empty");
    expect(res.stderr).toContain("--owner-email must be an email address");
    expect(res.stderr).toContain("--owner-password must be at least 10 characters");
    expect(res.stderr).toContain("--parent must be an organisation id (UUID)");
  });

  it("exits 1 naming DATABASE_URL when it is missing or malformed", async () => {
    const missing = await cli(VALID, {});
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("error: Invalid database configuration: DATABASE_URL is not set\n");
    const malformed = await cli(VALID, { DATABASE_URL: "mysql://x" });
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain("DATABASE_URL is invalid");
  });

  it("normalises options with the services' sign-up rules", () => {
    expect(parseOptions({ name: "  Acme ", ownerEmail: " Owner@ACME.test", ownerPassword: "a-long-enough-password", partner: true })).toEqual({
      name: "Acme",
      ownerEmail: "owner@acme.test",
      ownerPassword: "a-long-enough-password",
      partner: true,
      json: false,
    });
  });
});
