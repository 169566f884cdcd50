import type { ItemDescriptor } from "@holdfast/connectors";
import { describe, expect, it } from "vitest";
import { folderMarkerPath, idTag, safeSegment, vaultPathFor } from "./vault-paths";

const item = (over: Partial<ItemDescriptor>): ItemDescriptor => ({ externalId: "id-1", kind: "file", path: "/a/b.txt", name: "b.txt", version: "1", hasContent: true, metadata: {}, ...over });

describe("vault paths", () => {
  it("mirror the provider's folders and tag the item's id before its extension", () => {
    const tag = idTag("id-1");
    expect(tag).toMatch(/^[0-9a-f]{12}$/);
    expect(vaultPathFor(item({ path: "/Projects/2026/plan.docx", name: "plan.docx" }), "application/octet-stream")).toBe(`Projects/2026/plan~${tag}.docx`);
    expect(vaultPathFor(item({ kind: "message", path: "/INBOX/Re: invoice", name: "Re: invoice" }), "message/rfc822")).toBe(`INBOX/Re: invoice~${tag}.eml`);
    // An exported Google-native document takes its export format's extension.
    expect(vaultPathFor(item({ path: "/Budget", name: "Budget" }), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")).toBe(`Budget~${tag}.xlsx`);
    expect(vaultPathFor(item({ kind: "event", path: "/Calendar/Standup", name: "Standup" }), "application/json; charset=utf-8")).toBe(`Calendar/Standup~${tag}.json`);
    expect(vaultPathFor(item({ kind: "record", path: "/x", name: "x" }), "application/x-unknown")).toBe(`x~${tag}.bin`);
  });

  it("never escapes the unit or produces empty, dot or control-character segments", () => {
    expect(safeSegment("..")).toBe("_");
    expect(safeSegment("  ")).toBe("_");
    expect(safeSegment("a/b\\c\u0000d")).toBe("a_b_c_d");
    expect(safeSegment("trailing. . ")).toBe("trailing");
    expect(safeSegment("x".repeat(300))).toHaveLength(120);
    const p = vaultPathFor(item({ path: "/../../etc/passwd", name: "passwd" }), "text/plain");
    expect(p.split("/").every((s) => s !== ".." && s !== "." && s !== "")).toBe(true);
    expect(p.startsWith("_/_/etc/")).toBe(true);
  });

  it("keeps two items of the same name apart and one item's path stable across versions", () => {
    const a = vaultPathFor(item({ externalId: "A" }), "text/plain");
    const b = vaultPathFor(item({ externalId: "B" }), "text/plain");
    expect(a).not.toBe(b);
    expect(vaultPathFor(item({ externalId: "A", version: "2" }), "text/plain")).toBe(a);
  });

  it("files a folder as an empty marker inside itself", () => {
    expect(folderMarkerPath(item({ kind: "folder", path: "/Projects/2026", name: "2026", hasContent: false }))).toBe(`Projects/2026/.holdfast-folder~${idTag("id-1")}`);
  });
});
