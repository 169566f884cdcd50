import { previewTypeOf as servicesPreviewTypeOf, PREVIEW_MAX_BYTES as SERVICES_MAX } from "@holdfast/services";
import { describe, expect, it } from "vitest";
import { PREVIEW_MAX_BYTES, previewTypeOf } from "./preview";

// The client's copy must answer exactly like the services' original (the routes use that one).
const CASES: { kind: string; name: string; metadata: Record<string, unknown> }[] = [
  { kind: "message", name: "Quarterly numbers", metadata: { mailbox: "a@example.com" } },
  { kind: "folder", name: "Inbox", metadata: {} },
  { kind: "event", name: "Standup", metadata: {} },
  { kind: "contact", name: "Bob", metadata: {} },
  { kind: "record", name: "Account", metadata: {} },
  { kind: "file", name: "photo.jpg", metadata: { mimeType: "image/jpeg" } },
  { kind: "file", name: "IMG.PNG", metadata: {} },
  { kind: "file", name: "logo.svg", metadata: { mimeType: "image/svg+xml" } },
  { kind: "file", name: "logo.svg", metadata: {} },
  { kind: "file", name: "report.pdf", metadata: { mimeType: "application/pdf" } },
  { kind: "file", name: "scan", metadata: { mimeType: "application/octet-stream" } },
  { kind: "file", name: "notes.txt", metadata: { mimeType: "text/plain" } },
  { kind: "file", name: "data.json", metadata: { mimeType: null } },
  { kind: "file", name: "mail.eml", metadata: {} },
  { kind: "file", name: "Plan", metadata: { mimeType: "application/vnd.google-apps.document", native: true } },
  { kind: "file", name: "Sketch", metadata: { mimeType: "application/vnd.google-apps.drawing", native: true } },
  { kind: "file", name: "book.docx", metadata: { mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" } },
  { kind: "file", name: "archive.zip", metadata: {} },
  { kind: "object", name: "pic.webp", metadata: {} },
];

describe("previewTypeOf (client copy)", () => {
  it.each(CASES)("agrees with @holdfast/services for $kind $name", (c) => {
    expect(previewTypeOf(c)).toBe(servicesPreviewTypeOf(c));
  });
  it("has the same size cap", () => {
    expect(PREVIEW_MAX_BYTES).toBe(SERVICES_MAX);
  });
  it("previews what it should", () => {
    expect(CASES.map((c) => previewTypeOf(c))).toEqual(["mail", "none", "text", "text", "text", "image", "image", "none", "none", "pdf", "none", "text", "text", "mail", "none", "pdf", "none", "none", "image"]);
  });
});
