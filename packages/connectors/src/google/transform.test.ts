import { describe, expect, it } from "vitest";
import { describeMessage } from "./gmail";
import { decodeCursor, drivePath, encodeCursor, folderSegments, gmailFolder, gmailPath, gmailVersion, messageIdOf, ownerState, type DriveNode } from "./transform";

const labels = new Map([
  ["INBOX", "INBOX"],
  ["Label_1", "Projects/Apollo"],
  ["Label_2", "Receipts"],
]);

describe("gmail paths and versions", () => {
  it("places a message by trash/spam, then user label, then system folder", () => {
    expect(gmailFolder(["INBOX", "UNREAD"], labels)).toBe("Inbox");
    expect(gmailFolder(["INBOX", "Label_2", "Label_1"], labels)).toBe("Projects/Apollo");
    expect(gmailFolder(["Label_1", "TRASH"], labels)).toBe("Trash");
    expect(gmailFolder(["SPAM"], labels)).toBe("Spam");
    expect(gmailFolder(["SENT", "IMPORTANT"], labels)).toBe("Sent");
    expect(gmailFolder(["CATEGORY_UPDATES"], labels)).toBe("All Mail");
    expect(gmailPath(["Label_1"], labels, "Re: a/b test")).toBe("/Projects/Apollo/Re: a\u2215b test");
    expect(gmailPath(["INBOX"], labels, "")).toBe("/Inbox/(no subject)");
  });

  it("changes the version with the label set only", () => {
    expect(gmailVersion("m1", ["INBOX", "UNREAD"])).toBe(gmailVersion("m1", ["UNREAD", "INBOX"]));
    expect(gmailVersion("m1", ["INBOX"])).not.toBe(gmailVersion("m1", ["INBOX", "STARRED"]));
    expect(gmailVersion("m1", ["INBOX"])).not.toBe(gmailVersion("m2", ["INBOX"]));
  });

  it("describes a format=metadata message", () => {
    const d = describeMessage("a@x.test", { id: "18c", threadId: "18c", labelIds: ["INBOX", "Label_2"], sizeEstimate: 1234, historyId: "99", internalDate: "1700000000000", payload: { headers: [{ name: "Subject", value: "Invoice" }, { name: "from", value: "b@y.test" }, { name: "Message-ID", value: "<1@y>" }] } }, labels);
    expect(d).toMatchObject({ externalId: "18c", kind: "message", path: "/Receipts/Invoice", name: "Invoice", size: 1234, modifiedAt: "2023-11-14T22:13:20.000Z", hasContent: true });
    expect(d.metadata).toMatchObject({ mailbox: "a@x.test", from: "b@y.test", messageId: "<1@y>", labels: ["INBOX", "Receipts"], labelIds: ["INBOX", "Label_2"], threadId: "18c" });
  });

  it("finds the Message-ID in raw headers, folded or not", () => {
    expect(messageIdOf(Buffer.from("From: a\r\nMessage-Id:\r\n <abc@host>\r\nSubject: s\r\n\r\nMessage-ID: <body@x>\r\n"))).toBe("<abc@host>");
    expect(messageIdOf(Buffer.from("From: a\r\n\r\nbody"))).toBeUndefined();
  });
});

describe("drive paths", () => {
  const folders = new Map<string, DriveNode>([
    ["f1", { id: "f1", name: "Projects", parents: ["root1"] }],
    ["f2", { id: "f2", name: "Apollo", parents: ["f1"] }],
    ["loopA", { id: "loopA", name: "A", parents: ["loopB"] }],
    ["loopB", { id: "loopB", name: "B", parents: ["loopA"] }],
  ]);
  const lookup = (id: string) => folders.get(id);
  it("walks parents up to the drive root", () => {
    expect(drivePath({ id: "x", name: "plan.docx", parents: ["f2"] }, lookup, new Set(["root1"]))).toBe("/Projects/Apollo/plan.docx");
    expect(drivePath({ id: "x", name: "top.txt", parents: ["root1"] }, lookup, new Set(["root1"]))).toBe("/top.txt");
  });
  it("stops at an unknown parent and at a cycle instead of looping", () => {
    expect(drivePath({ id: "x", name: "shared.txt", parents: ["elsewhere"] }, lookup)).toBe("/shared.txt");
    expect(drivePath({ id: "x", name: "f", parents: ["loopA"] }, lookup)).toBe("/B/A/f");
  });
  it("splits an item path into its folders", () => {
    expect(folderSegments("/Projects/Apollo/plan.docx")).toEqual(["Projects", "Apollo"]);
    expect(folderSegments("/top.txt")).toEqual([]);
  });
});

describe("directory state and cursors", () => {
  it("maps suspended, archived and deleted users", () => {
    expect(ownerState({ suspended: false, archived: false })).toBe("active");
    expect(ownerState({ suspended: true })).toBe("suspended");
    expect(ownerState({ archived: true })).toBe("suspended");
    expect(ownerState({ deletionTime: "2026-01-01T00:00:00Z" })).toBe("deleted");
  });
  it("round-trips cursors and rejects one of another kind", () => {
    const c = encodeCursor("gmail", { h: "123", full: true });
    expect(decodeCursor("gmail", c)).toEqual({ h: "123", full: true });
    expect(() => decodeCursor("drive", c)).toThrow(/not a drive cursor/);
    expect(() => decodeCursor("gmail", "gmail:{bad")).toThrow(/malformed gmail cursor/);
  });
});
