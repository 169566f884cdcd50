import { describe, expect, it } from "vitest";
import { contactDescriptor, driveItemDescriptor, eventDescriptor, messageDescriptor } from "./transform";

// Shapes as Graph v1.0 returns them (trimmed from the documentation's examples).
const message = {
  "@odata.etag": 'W/"CQAAABYAAAAiIsqMbYjsT5e/T7KzowPTAAAYc0x3"',
  id: "AAMkAGUAAAwTW09AAA=",
  subject: "Re: Q3 plan / budget",
  changeKey: "CQAAABYAAAAiIsqMbYjsT5e/T7KzowPTAAAYc0x3",
  receivedDateTime: "2026-11-20T09:15:00Z",
  lastModifiedDateTime: "2026-11-20T09:16:00Z",
  internetMessageId: "<CAF=abc@mail.example.com>",
  hasAttachments: true,
  parentFolderId: "AQMkAGUAAAIBDAAAAA==",
  isRead: false,
  flag: { flagStatus: "flagged" },
  from: { emailAddress: { name: "Megan Bowen", address: "MeganB@contoso.com" } },
  toRecipients: [{ emailAddress: { name: "Alex", address: "AlexW@contoso.com" } }, { emailAddress: { name: "No address" } }],
  ccRecipients: [],
};

describe("messageDescriptor", () => {
  it("maps a message to a searchable descriptor under its folder path", () => {
    const d = messageDescriptor(message, ["Inbox", "Projects"], "user-1");
    expect(d).toMatchObject({
      externalId: "AAMkAGUAAAwTW09AAA=",
      kind: "message",
      path: "/Inbox/Projects/Re: Q3 plan \u2215 budget",
      name: "Re: Q3 plan \u2215 budget",
      parentExternalId: "AQMkAGUAAAIBDAAAAA==",
      version: "CQAAABYAAAAiIsqMbYjsT5e/T7KzowPTAAAYc0x3",
      modifiedAt: "2026-11-20T09:16:00Z",
      hasContent: true,
    });
    expect(d.metadata).toMatchObject({ mailbox: "user-1", subject: "Re: Q3 plan / budget", from: "MeganB@contoso.com", to: ["AlexW@contoso.com"], folder: "Inbox/Projects", internetMessageId: "<CAF=abc@mail.example.com>", hasAttachments: true, flagged: true, isRead: false });
  });

  it("names the empty subject and refuses a message without a version", () => {
    expect(messageDescriptor({ id: "m", subject: "", changeKey: "k" }, ["Inbox"], "u").path).toBe("/Inbox/(no subject)");
    expect(() => messageDescriptor({ id: "m" }, ["Inbox"], "u")).toThrow(/changeKey/);
  });
});

describe("driveItemDescriptor", () => {
  it("maps files with hashes and people, and folders without content", () => {
    const file = driveItemDescriptor(
      {
        id: "01BYE5RZ",
        name: "plan.docx",
        eTag: '"{AB},3"',
        cTag: '"c:{AB},3"',
        size: 1234,
        lastModifiedDateTime: "2026-11-01T10:00:00Z",
        parentReference: { driveId: "b!x", id: "01PARENT" },
        file: { mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", hashes: { sha256Hash: "ABCDEF", quickXorHash: "q+x=" } },
        createdBy: { user: { id: "u1", displayName: "Megan", email: "megan@contoso.com" } },
        lastModifiedBy: { application: { id: "a1", displayName: "Holdfast" } },
      },
      ["Documents"],
      "b!x",
    );
    expect(file).toMatchObject({ kind: "file", path: "/Documents/plan.docx", version: '"{AB},3"', size: 1234, hasContent: true, parentExternalId: "01PARENT" });
    expect(file.metadata).toMatchObject({ driveId: "b!x", sha256Hash: "abcdef", quickXorHash: "q+x=", createdBy: { id: "u1", displayName: "Megan", email: "megan@contoso.com" }, lastModifiedBy: { id: "a1", displayName: "Holdfast" } });
    const folder = driveItemDescriptor({ id: "f", name: "Reports", eTag: "e", folder: { childCount: 2 } }, ["Documents"], "b!x");
    expect(folder).toMatchObject({ kind: "folder", path: "/Documents/Reports", hasContent: false });
    expect(folder.size).toBeUndefined();
  });
});

describe("events and contacts", () => {
  it("map to descriptors with their searchable fields", () => {
    const e = eventDescriptor({ id: "e1", subject: "Weekly sync", changeKey: "ck", start: { dateTime: "2026-12-01T09:00:00.0000000", timeZone: "UTC" }, attendees: [{ emailAddress: { address: "a@contoso.com" } }], type: "seriesMaster" }, "Calendar", "u");
    expect(e).toMatchObject({ kind: "event", path: "/Calendar/Weekly sync", version: "ck" });
    expect(e.metadata).toMatchObject({ attendees: ["a@contoso.com"], type: "seriesMaster" });
    const c = contactDescriptor({ id: "c1", givenName: "Ada", surname: "Lovelace", "@odata.etag": 'W/"x"', emailAddresses: [{ address: "ada@example.com" }] }, "Contacts", "u");
    expect(c).toMatchObject({ kind: "contact", path: "/Contacts/Ada Lovelace", version: 'W/"x"' });
    expect(c.metadata.emails).toEqual(["ada@example.com"]);
  });
});
