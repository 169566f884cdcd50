import { describe, expect, it } from "vitest";
import { decodeTransfer, decodeWords, findPart, leaves, parseMime, parseStructured, splitMultipart } from "./mime";

const crlf = (lines: string[]) => Buffer.from(lines.join("\r\n"), "latin1");

describe("parseMime", () => {
  it("builds the part tree of a nested multipart message", () => {
    const root = parseMime(
      crlf([
        "Subject: nested",
        'Content-Type: multipart/mixed; boundary="a"',
        "",
        "preamble",
        "--a",
        "Content-Type: multipart/alternative; boundary=b",
        "",
        "--b",
        "Content-Type: text/plain",
        "",
        "plain",
        "--b",
        "Content-Type: text/html",
        "",
        "<b>html</b>",
        "--b--",
        "--a",
        "Content-Type: image/png",
        "Content-Disposition: attachment; filename=dot.png",
        "Content-Transfer-Encoding: base64",
        "",
        "iVBORw0K",
        "--a--",
        "epilogue",
      ]),
    );
    expect(root.mimeType).toBe("multipart/mixed");
    expect([...leaves(root)].map((l) => [l.partId, l.node.mimeType])).toEqual([
      ["0.0", "text/plain"],
      ["0.1", "text/html"],
      ["1", "image/png"],
    ]);
    expect(findPart(root, "0.1")?.body.toString()).toBe("<b>html</b>");
    expect(findPart(root, "1")?.filename).toBe("dot.png");
    expect(findPart(root, "1")?.body).toEqual(Buffer.from("iVBORw0K", "base64"));
  });

  it("tolerates LF-only line endings, a missing close delimiter and no Content-Type", () => {
    const root = parseMime(Buffer.from("Content-Type: multipart/mixed; boundary=x\n\n--x\n\nfirst\n--x\nContent-Type: text/html\n\nsecond, truncated"));
    expect(root.children.map((c) => [c.mimeType, c.body.toString()])).toEqual([
      ["text/plain", "first"],
      ["text/html", "second, truncated"],
    ]);
    expect(parseMime(Buffer.from("Subject: hi\r\n\r\nbody")).mimeType).toBe("text/plain");
  });

  it("does not split on a boundary that only prefixes a longer line", () => {
    expect(splitMultipart("--b\r\n\r\none\r\n--bb not a delimiter\r\n--b--\r\n", "b")).toEqual(["\r\none\r\n--bb not a delimiter"]);
  });

  it("unfolds headers and decodes encoded-words and 8-bit UTF-8", () => {
    const root = parseMime(crlf(["Subject: =?UTF-8?B?w4l0w6k=?=", " =?ISO-8859-1?Q?_caf=E9?=", "X-Raw: caf\xc3\xa9", "", "x"]));
    expect(root.headers).toEqual([
      { name: "Subject", value: "Été café" },
      { name: "X-Raw", value: "café" },
    ]);
  });

  it("keeps the bytes of an 8-bit body exactly", () => {
    const bytes = Buffer.from([0x48, 0xe9, 0x00, 0xff, 0x0d, 0x0a]);
    const root = parseMime(Buffer.concat([Buffer.from("Content-Transfer-Encoding: 8bit\r\n\r\n"), bytes]));
    expect(root.body.equals(bytes)).toBe(true);
  });
});

describe("parameters and encodings", () => {
  it("parses quoted and RFC 2231 parameters", () => {
    expect(parseStructured('Attachment; filename="a \\"b\\".txt"; size=3')).toEqual({ value: "attachment", params: { filename: 'a "b".txt', size: "3" } });
    expect(parseStructured("attachment; filename*=UTF-8''%C3%A9t%C3%A9.pdf").params.filename).toBe("été.pdf");
    expect(parseStructured("attachment; filename*0=\"long\"; filename*1=\"name.txt\"").params.filename).toBe("longname.txt");
  });

  it("decodes quoted-printable and lenient base64", () => {
    expect(decodeTransfer("caf=C3=A9 =\r\nwrapped", "quoted-printable").toString("utf8")).toBe("café wrapped");
    expect(decodeTransfer("aGVs\r\nbG8=\r\n", "BASE64").toString()).toBe("hello");
    expect(decodeWords("=?utf-8?q?a_b?= plain")).toBe("a b plain");
  });
});
