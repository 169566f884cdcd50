import { describe, expect, it } from "vitest";
import { EntryNamer, sanitisePath, sanitiseSegment } from "./names";

describe("entry names", () => {
  it("cannot climb out of the archive or be absolute", () => {
    expect(sanitisePath(["..", "..", "etc", "passwd"])).toBe("_/_/etc/passwd");
    expect(sanitisePath(["/abs/olute", "x"])).toBe("abs/olute/x");
    expect(sanitisePath(["C:\\Windows", "a..b"])).toBe("C_/Windows/a..b");
    expect(sanitiseSegment("...")).toBe("_");
    expect(sanitiseSegment(".")).toBe("_");
  });

  it("replaces control and reserved characters, trailing dots and device names", () => {
    expect(sanitiseSegment("Re: what?\u0000 <now>|*\"")).toBe("Re_ what__ _now____");
    expect(sanitiseSegment("report. . ")).toBe("report");
    expect(sanitiseSegment("CON")).toBe("_CON");
    expect(sanitiseSegment("nul.txt")).toBe("_nul.txt");
  });

  it("bounds a long name and keeps its extension", () => {
    const s = sanitiseSegment(`${"x".repeat(300)}.docx`);
    expect(s.length).toBe(120);
    expect(s.endsWith(".docx")).toBe(true);
  });

  it("disambiguates duplicates case-insensitively, before the extension", () => {
    const n = new EntryNamer();
    n.reserve("holdfast-export.json");
    expect(n.file("INBOX/Hello.eml")).toBe("INBOX/Hello.eml");
    expect(n.file("INBOX/hello.eml")).toBe("INBOX/hello (2).eml");
    expect(n.file("INBOX/Hello.eml")).toBe("INBOX/Hello (3).eml");
    expect(n.file("holdfast-export.json")).toBe("holdfast-export (2).json");
    expect(n.file("Notes")).toBe("Notes");
    expect(n.file("Notes")).toBe("Notes (2)");
  });

  it("does not give a file the name of a folder", () => {
    const n = new EntryNamer();
    n.file("Reports/q1.pdf");
    expect(n.file("Reports")).toBe("Reports (2)");
    expect(n.directory("Reports")).toBe("Reports/");
  });
});
