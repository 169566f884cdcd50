import { describe, expect, it } from "vitest";
import { downloadFileName, extensionOf, formatBytes, looksLikePdf, previewTypeOf, sniffImageType } from "./type";

const v = (kind: string, name: string, metadata: Record<string, unknown> = {}) => ({ kind, name, metadata });

describe("previewTypeOf", () => {
  it("previews messages as mail, folders never, events/contacts/records as text", () => {
    expect(previewTypeOf(v("message", "Hello", { mailbox: "a@example.com" }))).toBe("mail");
    expect(previewTypeOf(v("folder", "Inbox"))).toBe("none");
    expect(previewTypeOf(v("event", "Standup"))).toBe("text");
    expect(previewTypeOf(v("contact", "Bob"))).toBe("text");
    expect(previewTypeOf(v("record", "Account 1"))).toBe("text");
  });

  it("goes by the recorded MIME type first (Google Drive and OneDrive store it as metadata.mimeType)", () => {
    expect(previewTypeOf(v("file", "photo", { mimeType: "image/jpeg" }))).toBe("image");
    expect(previewTypeOf(v("file", "scan.bin", { mimeType: "application/pdf" }))).toBe("pdf");
    expect(previewTypeOf(v("file", "notes", { mimeType: "text/plain; charset=utf-8" }))).toBe("text");
    expect(previewTypeOf(v("file", "data", { mimeType: "application/json" }))).toBe("text");
    expect(previewTypeOf(v("file", "page.html", { mimeType: "text/html" }))).toBe("text");
    expect(previewTypeOf(v("file", "mail.eml", { mimeType: "message/rfc822" }))).toBe("mail");
    expect(previewTypeOf(v("file", "a.png", { mimeType: "application/zip" }))).toBe("none");
  });

  it("never previews SVG as an image", () => {
    expect(previewTypeOf(v("file", "logo.svg", { mimeType: "image/svg+xml" }))).toBe("none");
    expect(previewTypeOf(v("file", "logo.svg"))).toBe("none");
    expect(previewTypeOf(v("file", "logo.svg", { mimeType: "application/octet-stream" }))).toBe("none");
  });

  it("treats Google-native documents as what they were exported to (drawings → PDF, docs → none)", () => {
    expect(previewTypeOf(v("file", "Plan", { mimeType: "application/vnd.google-apps.document", native: true }))).toBe("none");
    expect(previewTypeOf(v("file", "Sheet", { mimeType: "application/vnd.google-apps.spreadsheet", native: true }))).toBe("none");
    expect(previewTypeOf(v("file", "Sketch", { mimeType: "application/vnd.google-apps.drawing", native: true }))).toBe("pdf");
    expect(previewTypeOf(v("file", "Plan", { mimeType: "application/vnd.google-apps.document", exportMimeType: "application/pdf" }))).toBe("pdf");
  });

  it("falls back to the extension without a useful MIME type", () => {
    expect(previewTypeOf(v("file", "Report.Final.PDF", { mimeType: null }))).toBe("pdf");
    expect(previewTypeOf(v("file", "IMG_0001.JPG"))).toBe("image");
    expect(previewTypeOf(v("file", "anim.gif", { mimeType: "application/octet-stream" }))).toBe("image");
    expect(previewTypeOf(v("file", "table.csv"))).toBe("text");
    expect(previewTypeOf(v("file", "README.md"))).toBe("text");
    expect(previewTypeOf(v("file", "message.eml"))).toBe("mail");
    expect(previewTypeOf(v("file", "book.docx"))).toBe("none");
    expect(previewTypeOf(v("file", "archive.zip"))).toBe("none");
    expect(previewTypeOf(v("file", "Makefile"))).toBe("none");
    expect(previewTypeOf(v("object", "photo.webp"))).toBe("image");
  });
});

describe("extensionOf", () => {
  it("lower-cases the last extension and ignores dotfiles and trailing dots", () => {
    expect(extensionOf("a.B.TXT")).toBe("txt");
    expect(extensionOf(".bashrc")).toBe("");
    expect(extensionOf("name.")).toBe("");
    expect(extensionOf("/dir.d/file")).toBe("");
  });
});

describe("sniffImageType / looksLikePdf", () => {
  const bytes = (...b: number[]) => new Uint8Array(b);
  it("recognises PNG, JPEG, GIF and WebP by their magic bytes only", () => {
    expect(sniffImageType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0))).toBe("image/png");
    expect(sniffImageType(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe("image/jpeg");
    expect(sniffImageType(new TextEncoder().encode("GIF89a...."))).toBe("image/gif");
    expect(sniffImageType(new TextEncoder().encode("RIFF\0\0\0\0WEBPVP8 "))).toBe("image/webp");
  });
  it("rejects SVG, HTML and empty input", () => {
    expect(sniffImageType(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'))).toBeUndefined();
    expect(sniffImageType(new TextEncoder().encode("<html><script>alert(1)</script>"))).toBeUndefined();
    expect(sniffImageType(new Uint8Array())).toBeUndefined();
  });
  it("finds %PDF- at the start or after a little leading junk", () => {
    expect(looksLikePdf(new TextEncoder().encode("%PDF-1.7\n"))).toBe(true);
    expect(looksLikePdf(new TextEncoder().encode("\n\n%PDF-1.4"))).toBe(true);
    expect(looksLikePdf(new TextEncoder().encode("<html>%PDF"))).toBe(false);
  });
});

describe("downloadFileName / formatBytes", () => {
  it("adds .eml to messages and .json to extension-less events, keeps file names", () => {
    expect(downloadFileName(v("message", "Quarterly numbers"))).toBe("Quarterly numbers.eml");
    expect(downloadFileName(v("message", "saved.eml"))).toBe("saved.eml");
    expect(downloadFileName(v("event", "Standup"))).toBe("Standup.json");
    expect(downloadFileName(v("file", "report.pdf"))).toBe("report.pdf");
    expect(downloadFileName(v("file", "  "))).toBe("item");
  });
  it("formats sizes", () => {
    expect(formatBytes(1)).toBe("1 byte");
    expect(formatBytes(1023)).toBe("1023 bytes");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(10 * 1024 * 1024)).toBe("10 MB");
  });
});
