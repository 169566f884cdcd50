import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { csvOf, docxOf, docxParagraphs, OfficeError, parseCsv, xlsxOf, xlsxRows } from "./office";
import { crc32, readZip, writeZip, ZipError } from "./zip";

describe("zip", () => {
  it("computes the standard CRC-32", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
    expect(crc32(Buffer.alloc(0))).toBe(0);
  });

  it("writes deterministic archives that read back entry for entry", () => {
    const entries = [
      { name: "a.txt", data: Buffer.from("hello ".repeat(1000)) },
      { name: "dir/ünïcode.xml", data: Buffer.from("<x/>") },
      { name: "empty", data: Buffer.alloc(0) },
    ];
    const zip = writeZip(entries);
    expect(writeZip(entries).equals(zip)).toBe(true);
    expect(zip.readUInt32LE(0)).toBe(0x04034b50);
    const back = readZip(zip);
    expect([...back.keys()]).toEqual(entries.map((e) => e.name));
    for (const e of entries) expect(back.get(e.name)?.equals(e.data)).toBe(true);
  });

  it("reads stored entries and rejects corrupt archives", () => {
    // A stored (method 0) entry, as some writers produce: rewrite a deflated one by hand.
    const data = Buffer.from("stored body");
    const zip = writeZip([{ name: "s", data }]);
    const packedLen = deflateRawSync(data, { level: 6 }).length;
    const stored = Buffer.concat([zip.subarray(0, 30 + 1), data, zip.subarray(30 + 1 + packedLen)]);
    stored.writeUInt16LE(0, 8); // local header: method 0
    stored.writeUInt32LE(data.length, 18);
    const cd = 30 + 1 + data.length;
    stored.writeUInt16LE(0, cd + 10);
    stored.writeUInt32LE(data.length, cd + 20);
    stored.writeUInt32LE(cd, stored.length - 22 + 16);
    expect(readZip(stored).get("s")?.toString()).toBe("stored body");
    expect(() => readZip(Buffer.from("not a zip at all, just text"))).toThrow(ZipError);
    const bad = Buffer.from(zip);
    bad[30 + 1] = (bad[30 + 1] ?? 0) ^ 0xff;
    expect(() => readZip(bad)).toThrow(ZipError);
  });
});

describe("OOXML", () => {
  it("round-trips a document's paragraphs through docx, tabs, breaks, markup and empties included", () => {
    const paragraphs = ["First paragraph.", "", "Tabs\there & <there>", "Line one\nline two", "Ünïcödé — “quotes”"];
    const docx = docxOf(paragraphs);
    expect(docxOf(paragraphs).equals(docx)).toBe(true);
    const parts = readZip(docx);
    expect([...parts.keys()]).toEqual(["[Content_Types].xml", "_rels/.rels", "word/document.xml"]);
    expect(parts.get("word/document.xml")?.toString()).toContain("Tabs</w:t><w:tab/><w:t xml:space=\"preserve\">here &amp; &lt;there&gt;");
    expect(docxParagraphs(docx)).toEqual(paragraphs);
  });

  it("round-trips a sheet's cells through xlsx, numbers as numbers and gaps kept", () => {
    const rows = [["row", "item", "amount"], ["1", "budget", "12.5"], ["2", "", "007"], [], ["x,y", 'say "hi"', "-3"]];
    const xlsx = xlsxOf(rows);
    const sheet = readZip(xlsx).get("xl/worksheets/sheet1.xml")?.toString() ?? "";
    expect(sheet).toContain('<c r="C2"><v>12.5</v></c>');
    expect(sheet).toContain('<c r="C3" t="inlineStr"><is><t xml:space="preserve">007</t></is></c>');
    expect(xlsxRows(xlsx)).toEqual([["row", "item", "amount"], ["1", "budget", "12.5"], ["2", "", "007"], [], ["x,y", 'say "hi"', "-3"]]);
  });

  it("reads shared strings, booleans and sparse cells as Excel writes them", () => {
    const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
    const zip = writeZip([
      { name: "_rels/.rels", data: Buffer.from('<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>') },
      { name: "xl/workbook.xml", data: Buffer.from(`<workbook ${ns} xmlns:r="r"><sheets><sheet name="Data" sheetId="7" r:id="rId3"/></sheets></workbook>`) },
      { name: "xl/_rels/workbook.xml.rels", data: Buffer.from('<Relationships><Relationship Id="rId3" Type="worksheet" Target="worksheets/data.xml"/></Relationships>') },
      { name: "xl/sharedStrings.xml", data: Buffer.from(`<sst ${ns}><si><t>Name</t></si><si><r><t>Bo</t></r><r><t xml:space="preserve">b &amp; co</t></r></si></sst>`) },
      { name: "xl/worksheets/data.xml", data: Buffer.from(`<worksheet ${ns}><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="b"><v>1</v></c></row><row r="3"><c r="B3" t="s"><v>1</v></c><c r="C3" s="2"><v>42</v></c></row></sheetData></worksheet>`) },
    ]);
    expect(xlsxRows(zip)).toEqual([["Name", "", "TRUE"], [], ["", "Bob & co", "42"]]);
  });

  it("refuses what is not an Office package with a message naming the problem", () => {
    expect(() => docxParagraphs(Buffer.from("plain text"))).toThrow(OfficeError);
    expect(() => docxParagraphs(xlsxOf([["a"]]))).toThrow(/not a WordprocessingML document/);
  });

  it("writes and parses RFC 4180 CSV", () => {
    const rows = [["a", "b,c", 'd"e'], ["multi\nline", "", "z"]];
    const csv = csvOf(rows);
    expect(csv).toBe('a,"b,c","d""e"\r\n"multi\nline",,z\r\n');
    expect(parseCsv(csv)).toEqual(rows);
    expect(() => parseCsv('"open')).toThrow(OfficeError);
  });
});
