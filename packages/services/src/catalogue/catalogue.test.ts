import { describe, expect, it } from "vitest";
import { likePrefix } from "./as-of";
import { childPaths } from "./folders";
import { decodeCursor, encodeCursor, normaliseFolder, parentOf } from "./map";
import { searchTerms, toPrefixQuery } from "./search";

describe("catalogue helpers", () => {
  it("splits search text the way the tsvector does and never emits tsquery syntax", () => {
    expect(searchTerms("Q3-report_final.xlsx")).toEqual(["q3", "report", "final", "xlsx"]);
    expect(searchTerms("alice@example.com")).toEqual(["alice", "example", "com"]);
    expect(toPrefixQuery(searchTerms("a & !b | (c:*)"))).toBe("a & b & c:*");
    expect(toPrefixQuery(["quart"])).toBe("quart:*");
    expect(searchTerms("Überweisung März")).toEqual(["überweisung", "märz"]);
  });

  it("derives parent folders and normalises folder paths", () => {
    expect(parentOf("/Docs/a.txt")).toBe("/Docs");
    expect(parentOf("/a.txt")).toBe("/");
    expect(normaliseFolder("/Docs/")).toBe("/Docs");
    expect(normaliseFolder("/")).toBe("/");
  });

  it("escapes LIKE wildcards in folder names", () => {
    expect(likePrefix("/50%_off")).toBe("/50\\%\\_off/%");
  });

  it("round-trips cursors and rejects forged ones with a validation error", () => {
    expect(decodeCursor(encodeCursor([1, "a", "b"]), ["number", "string", "string"])).toEqual([1, "a", "b"]);
    expect(() => decodeCursor("garbage", ["string"])).toThrow(/cursor must be a cursor returned by a previous page/);
    expect(() => decodeCursor(encodeCursor(["x"]), ["number"])).toThrow(/cursor/);
  });
});

describe("childPaths", () => {
  it("keeps each immediate child of the folder once, whatever depth the paths below reach", () => {
    expect(childPaths("/", ["/INBOX", "/Work/Project", "/Work/Project/Q1", "/Work-2", "/Inbox old"])).toEqual(["/INBOX", "/Work", "/Work-2", "/Inbox old"]);
    expect(childPaths("/Work/", ["/Work/Project", "/Work/Project/Q1", "/Work/Later"])).toEqual(["/Work/Project", "/Work/Later"]);
  });
  it("ignores the folder itself and paths outside it", () => {
    expect(childPaths("/Work/", ["/Work", "/Work-2/x", "/Workshop"])).toEqual([]);
  });
});
