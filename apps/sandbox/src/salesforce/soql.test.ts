import { describe, expect, it } from "vitest";
import { to18 } from "./ids";
import { FieldError } from "./records";
import { parseSoql } from "./soql";

describe("parseSoql", () => {
  it("parses fields, relationship fields, WHERE with datetimes, ORDER BY and LIMIT", () => {
    const q = parseSoql("select id, name from account where SystemModstamp > 2024-05-01T00:00:00.000+0000 and (Industry = 'Retail' or Industry IN ('Banking')) order by Name desc nulls last limit 10");
    expect(q.def.name).toBe("Account");
    expect(q.fields).toEqual(["Id", "Name"]);
    expect(parseSoql("SELECT account.name FROM Contact").fields).toEqual(["Account.Name"]);
    expect(q.where?.kind).toBe("and");
    expect(q.orderBy).toEqual([{ field: "Name", desc: true, nullsLast: true }]);
    expect(q.limit).toBe(10);
  });

  it("rejects what it does not understand instead of ignoring it", () => {
    const code = (q: string) => {
      try {
        parseSoql(q);
        return "ok";
      } catch (err) {
        return err instanceof FieldError ? err.errorCode : "other";
      }
    };
    expect(code("SELECT Id FROM Account GROUP BY Name")).toBe("MALFORMED_QUERY");
    expect(code("SELECT Nope FROM Account")).toBe("INVALID_FIELD");
    expect(code("SELECT Id FROM Widget__c")).toBe("INVALID_TYPE");
    expect(code("SELECT COUNT() FROM Contact")).toBe("ok");
  });
});

describe("record ids", () => {
  it("adds the documented case-insensitivity suffix", () => {
    // The example from Salesforce's knowledge article: 001A0000006Vm9r → 001A0000006Vm9rIAC.
    expect(to18("001A0000006Vm9r")).toBe("001A0000006Vm9rIAC");
  });
});
