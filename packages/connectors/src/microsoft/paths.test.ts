import { describe, expect, it } from "vitest";
import { drivePathAddress, driveSafeName, folderPathOfParentReference, joinPath, segment, splitPath, underCopyFolder } from "./paths";

describe("paths", () => {
  it("builds splittable paths from names", () => {
    expect(segment("Re: a/b test")).toBe("Re: a\u2215b test");
    expect(segment("  ", "(no subject)")).toBe("(no subject)");
    expect(segment(null)).toBe("(untitled)");
    expect(segment("line\r\nbreak")).toBe("line break");
    expect(joinPath(["Inbox", "Projects"], "Hi")).toBe("/Inbox/Projects/Hi");
    expect(joinPath([])).toBe("/");
    expect(splitPath("/Inbox/Projects/Hi")).toEqual(["Inbox", "Projects", "Hi"]);
    expect(splitPath("/")).toEqual([]);
  });

  it("reads folder paths from driveItem parentReference", () => {
    expect(folderPathOfParentReference("/drives/b!abc/root:/Documents/Reports")).toEqual(["Documents", "Reports"]);
    expect(folderPathOfParentReference("/drive/root:")).toEqual([]);
    expect(folderPathOfParentReference("/drives/b!abc/root:/Q3%20Plans/a%2Bb")).toEqual(["Q3 Plans", "a+b"]);
    expect(folderPathOfParentReference(undefined)).toBeUndefined();
    expect(folderPathOfParentReference("/drives/b!abc/items/xyz")).toBeUndefined();
  });

  it("addresses drive paths segment by segment and nests copies", () => {
    expect(drivePathAddress(["Q3 Plans", "a#b?.txt"])).toBe("Q3%20Plans/a%23b%3F.txt");
    expect(underCopyFolder("Restored by Holdfast 2026-11-27", ["Inbox", "Projects"])).toEqual(["Restored by Holdfast 2026-11-27", "Inbox", "Projects"]);
    expect(underCopyFolder("/Restores/2026\\11", [])).toEqual(["Restores", "2026", "11"]);
    expect(() => underCopyFolder(" / ", ["Inbox"])).toThrow(/copyFolder/);
  });

  it("makes our own folder names acceptable to OneDrive, which refuses \" * : < > ? |", () => {
    expect(driveSafeName("Restored by Holdfast (as of 2026-11-27 10:15 UTC)")).toBe("Restored by Holdfast (as of 2026-11-27 10\u223615 UTC)");
    expect(driveSafeName('a"b*c<d>e?f|g')).toBe("a_b_c_d_e_f_g");
    expect(driveSafeName("Restores/2026")).toBe("Restores/2026");
  });
});
