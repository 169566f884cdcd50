import { describe, expect, it } from "vitest";
import { attachmentBody, formatMessage, parseAttachmentId } from "./format";

const raw = Buffer.from(
  [
    "From: a@example.org",
    "Subject: Report",
    'Content-Type: multipart/mixed; boundary="m"',
    "",
    "--m",
    "Content-Type: text/html; charset=utf-8",
    "",
    "<p>Tom &amp; Jerry's <b>plan</b></p>",
    "--m",
    "Content-Type: text/csv; name=data.csv",
    "",
    "a,b",
    "--m--",
  ].join("\r\n"),
);
const meta = { id: "0123456789abcdef", threadId: "0123456789abcdef", labelIds: ["INBOX"], internalDate: 1_700_000_000_000, historyId: 9 };

describe("formatMessage", () => {
  it("format=full: part ids, inline data, attachment ids", () => {
    const m = formatMessage(meta, raw, "full");
    expect(m).toMatchObject({ id: meta.id, historyId: "9", internalDate: "1700000000000", sizeEstimate: raw.length });
    expect(m.payload?.body).toEqual({ size: 0 });
    const [html, csv] = m.payload?.parts ?? [];
    expect(html?.partId).toBe("0");
    expect(Buffer.from(html?.body?.data ?? "", "base64url").toString()).toBe("<p>Tom &amp; Jerry's <b>plan</b></p>");
    expect(csv).toMatchObject({ partId: "1", filename: "data.csv", body: { size: 3 } });
    const ref = parseAttachmentId(csv?.body?.attachmentId ?? "");
    expect(ref).toEqual({ messageId: meta.id, partId: "1" });
    expect(attachmentBody(raw, "1")).toEqual({ size: 3, data: Buffer.from("a,b").toString("base64url") });
    // Snippet from the HTML when there is no text/plain: tags stripped, entities as Gmail escapes them.
    expect(m.snippet).toBe("Tom &amp; Jerry&#39;s plan");
  });

  it("format=raw/metadata/minimal", () => {
    expect(Buffer.from(formatMessage(meta, raw, "raw").raw ?? "", "base64url").equals(raw)).toBe(true);
    expect(formatMessage(meta, raw, "metadata", ["SUBJECT"]).payload).toEqual({ partId: "", mimeType: "multipart/mixed", filename: "", headers: [{ name: "Subject", value: "Report" }] });
    const minimal = formatMessage(meta, raw, "minimal");
    expect(minimal.payload).toBeUndefined();
    expect(minimal.raw).toBeUndefined();
  });
});
