// vCard 4.0 from contact JSON shaped like the providers' (People API people.get with the
// connector's personFields; Graph v1.0 contact with the connector's `@holdfast.photo`).
import { describe, expect, it } from "vitest";
import { fold, unfold } from "./content-line";
import { ContactFormatError, toVCard } from "./vcf";

const person = {
  resourceName: "people/c7142462727258425368",
  etag: "%EgoBAgkLLjc9Pj8aBAECBQciDGZJbU1zYUVRbjZFPQ==",
  metadata: { sources: [{ type: "CONTACT", id: "6319d2df0a0f3c18", etag: "#fImMsaEQn6E=", updateTime: "2024-02-20T17:43:51.468Z" }], objectType: "PERSON" },
  names: [{ metadata: { primary: true }, displayName: "Dr. Zoë O'Brien", familyName: "O'Brien", givenName: "Zoë", honorificPrefix: "Dr.", displayNameLastFirst: "O'Brien, Zoë" }],
  emailAddresses: [
    { metadata: { primary: true }, value: "zoe@example.org", type: "work", formattedType: "Work" },
    { value: "zoe.home@example.net", type: "home" },
  ],
  phoneNumbers: [{ value: "+1 415-555-0100", canonicalForm: "+14155550100", type: "mobile", formattedType: "Mobile" }],
  addresses: [{ streetAddress: "1 Main St; Suite 2", city: "Springfield", region: "IL", postalCode: "62701", country: "USA", type: "work", formattedValue: "1 Main St; Suite 2\nSpringfield, IL 62701\nUSA" }],
  organizations: [{ name: "Acme, Inc.", department: "R&D", title: "Chief Scientist" }],
  biographies: [{ value: "Met at the conference.\nLikes tea, not coffee.", contentType: "TEXT_PLAIN" }],
  birthdays: [{ date: { month: 7, day: 9 } }],
  urls: [{ value: "https://zoe.example.org", type: "homePage" }],
};

const photoBytes = Buffer.alloc(600, 7);
const graphContact = {
  "@odata.etag": 'W/"EQAAABYAAAA/1jqbN3+"',
  id: "AAMkADh6v5AAAvgTCEAAA=",
  createdDateTime: "2024-01-04T12:00:00Z",
  lastModifiedDateTime: "2024-03-01T08:15:30Z",
  changeKey: "EQAAABYAAAA",
  displayName: "Pavel Bansky",
  givenName: "Pavel",
  surname: "Bansky",
  middleName: null,
  nickName: "Pav",
  title: "Mr.",
  jobTitle: "Sales Lead",
  companyName: "Contoso; Ltd",
  department: "Sales",
  businessHomePage: "https://contoso.com",
  emailAddresses: [{ name: "Pavel Bansky", address: "pavelb@contoso.onmicrosoft.com" }],
  businessPhones: ["+1 732 555 0102"],
  homePhones: [],
  mobilePhone: "+1 732 555 0199",
  businessAddress: { street: "123 Some St", city: "Redmond", state: "WA", postalCode: "98052", countryOrRegion: "USA" },
  homeAddress: {},
  otherAddress: {},
  birthday: "1980-04-15T11:59:00Z",
  personalNotes: "Prefers email",
  categories: ["Customers"],
  "@holdfast.photo": { contentType: "image/jpeg", contentBase64: photoBytes.toString("base64") },
};

const props = (lines: string[]) => new Map(lines.map((l) => [l.split(/[;:]/)[0], l]));

describe("People API person", () => {
  it("becomes a vCard 4.0 with names, emails, phones, address, org and note escaped", () => {
    const card = toVCard(person);
    expect(card.slice(0, 2)).toEqual(["BEGIN:VCARD", "VERSION:4.0"]);
    expect(card.at(-1)).toBe("END:VCARD");
    const p = props(card);
    expect(p.get("FN")).toBe("FN:Dr. Zoë O'Brien");
    expect(p.get("N")).toBe("N:O'Brien;Zoë;;Dr.;");
    expect(card.filter((l) => l.startsWith("EMAIL"))).toEqual(["EMAIL;TYPE=work:zoe@example.org", "EMAIL;TYPE=home:zoe.home@example.net"]);
    expect(p.get("TEL")).toBe("TEL;TYPE=cell:+1 415-555-0100");
    expect(p.get("ADR")).toBe('ADR;TYPE=work;LABEL="1 Main St; Suite 2, Springfield, IL 62701, USA":;;1 Main St\\; Suite 2;Springfield;IL;62701;USA');
    expect(p.get("ORG")).toBe("ORG:Acme\\, Inc.;R&D");
    expect(p.get("TITLE")).toBe("TITLE:Chief Scientist");
    expect(p.get("NOTE")).toBe("NOTE:Met at the conference.\\nLikes tea\\, not coffee.");
    expect(p.get("BDAY")).toBe("BDAY:--0709");
    expect(p.get("URL")).toBe("URL:https://zoe.example.org");
    expect(p.get("UID")).toBe("UID:urn:google:people/c7142462727258425368");
    expect(p.get("REV")).toBe("REV:20240220T174351Z");
    expect(p.has("PHOTO")).toBe(false);
  });

  it("names a contact with no name by its email", () => {
    expect(props(toVCard({ resourceName: "people/c1", emailAddresses: [{ value: "x@y.org" }] })).get("FN")).toBe("FN:x@y.org");
  });
});

describe("Graph contact", () => {
  it("becomes a vCard with its photo as a data URI", () => {
    const card = toVCard(graphContact);
    const p = props(card);
    expect(p.get("FN")).toBe("FN:Pavel Bansky");
    expect(p.get("N")).toBe("N:Bansky;Pavel;;Mr.;");
    expect(p.get("NICKNAME")).toBe("NICKNAME:Pav");
    expect(p.get("EMAIL")).toBe("EMAIL:pavelb@contoso.onmicrosoft.com");
    expect(card.filter((l) => l.startsWith("TEL"))).toEqual(["TEL;TYPE=work:+1 732 555 0102", "TEL;TYPE=cell:+1 732 555 0199"]);
    expect(card.filter((l) => l.startsWith("ADR"))).toEqual(["ADR;TYPE=work:;;123 Some St;Redmond;WA;98052;USA"]);
    expect(p.get("ORG")).toBe("ORG:Contoso\\; Ltd;Sales");
    expect(p.get("TITLE")).toBe("TITLE:Sales Lead");
    expect(p.get("BDAY")).toBe("BDAY:19800415");
    expect(p.get("NOTE")).toBe("NOTE:Prefers email");
    expect(p.get("PHOTO")).toBe(`PHOTO:data:image/jpeg;base64,${photoBytes.toString("base64")}`);
    expect(p.get("REV")).toBe("REV:20240301T081530Z");
  });

  it("folds the long photo line and unfolds to the same bytes", () => {
    const card = toVCard(graphContact);
    const text = card.map(fold).join("");
    for (const l of text.split("\r\n")) expect(Buffer.byteLength(l)).toBeLessThanOrEqual(75);
    const photo = unfold(text).find((l) => l.startsWith("PHOTO:")) ?? "";
    expect(Buffer.from(photo.slice(photo.indexOf("base64,") + 7), "base64").equals(photoBytes)).toBe(true);
  });

  it("refuses a photo that is not an image or not base64", () => {
    expect(() => toVCard({ ...graphContact, "@holdfast.photo": { contentType: "text/html", contentBase64: "AAAA" } })).toThrow(ContactFormatError);
    expect(() => toVCard({ ...graphContact, "@holdfast.photo": { contentType: "image/png", contentBase64: "<script>" } })).toThrow(/not base64/);
  });
});

it("refuses JSON that is no provider's contact", () => {
  expect(() => toVCard({ kind: "calendar#event" })).toThrow(/not a Google People person or a Microsoft Graph contact/);
});
