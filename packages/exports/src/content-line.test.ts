import { describe, expect, it } from "vitest";
import { escapeText, fold, line, unfold } from "./content-line";

const octets = (s: string) => Buffer.byteLength(s, "utf8");

describe("content lines", () => {
  it("escapes backslash, semicolon, comma and newlines in text values", () => {
    expect(escapeText("a\\b;c,d\ne\r\nf")).toBe("a\\\\b\\;c\\,d\\ne\\nf");
  });

  it("quotes parameter values holding : ; or , and drops double quotes", () => {
    expect(line("ATTENDEE", "mailto:a@x.org", { CN: 'Doe, "Jo"', ROLE: "REQ-PARTICIPANT", X: undefined })).toBe(`ATTENDEE;CN="Doe, 'Jo'";ROLE=REQ-PARTICIPANT:mailto:a@x.org`);
  });

  it("folds at 75 octets without splitting a UTF-8 character, and unfolds back", () => {
    const value = `SUMMARY:${"Überraschungsparty für Zoë 🎉 ".repeat(12)}`;
    const folded = fold(value);
    const lines = folded.split("\r\n").slice(0, -1);
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) expect(octets(l)).toBeLessThanOrEqual(75);
    for (const l of lines.slice(1)) expect(l.startsWith(" ")).toBe(true);
    expect(folded.endsWith("\r\n")).toBe(true);
    expect(unfold(folded)).toEqual([value]);
    expect(folded).not.toContain("\uFFFD");
  });

  it("leaves a short line as one line", () => {
    expect(fold("VERSION:2.0")).toBe("VERSION:2.0\r\n");
  });
});
