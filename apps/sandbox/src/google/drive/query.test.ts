import { describe, expect, it } from "vitest";
import { DriveQueryError, parseDriveQuery } from "./query";
import type { GFile } from "./store";

const file = (over: Partial<GFile>): GFile => ({ id: "f", name: "Memo 1.txt", mimeType: "text/plain", parents: ["ROOT"], spaceId: "S", trashed: false, createdTime: 0, modifiedTime: 0, version: 1, revisions: [], ...over });

describe("parseDriveQuery", () => {
  it("combines parents, trashed and mimeType clauses", () => {
    const p = parseDriveQuery("'root' in parents and trashed = false and mimeType != 'application/vnd.google-apps.folder'", "ROOT");
    expect(p(file({}))).toBe(true);
    expect(p(file({ trashed: true }))).toBe(false);
    expect(p(file({ parents: ["X"] }))).toBe(false);
    expect(p(file({ mimeType: "application/vnd.google-apps.folder" }))).toBe(false);
  });

  it("keeps ' and ' inside quoted names and honours escapes", () => {
    expect(parseDriveQuery("name = 'Tom and Jerry\\'s'", "R")(file({ name: "Tom and Jerry's" }))).toBe(true);
    expect(parseDriveQuery("name contains 'memo'", "R")(file({}))).toBe(true);
  });

  it("rejects what it does not understand", () => {
    expect(() => parseDriveQuery("modifiedTime > '2024-01-01'", "R")).toThrow(DriveQueryError);
    expect(() => parseDriveQuery("name = 'open", "R")).toThrow(DriveQueryError);
  });
});
