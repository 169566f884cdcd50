// vCard 4.0 (RFC 6350) from the contact JSON the connectors store: a Google People API `Person`
// (https://developers.google.com/people/api/rest/v1/people) or a Microsoft Graph `contact`
// (https://learn.microsoft.com/graph/api/resources/contact), whose photo the Graph connector
// keeps inside it as `@holdfast.photo` ({ contentType, contentBase64 }).
import { escapeText, line } from "./content-line";

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim().length > 0 ? v : undefined);
const objs = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObj) : []);

export class ContactFormatError extends Error {
  override readonly name = "ContactFormatError";
}

export type ContactSource = "google" | "microsoft";

export function contactSource(c: Json): ContactSource {
  if (typeof c.resourceName === "string" || "names" in c || ("emailAddresses" in c && objs(c.emailAddresses).some((e) => "value" in e))) return "google";
  if ("displayName" in c || "givenName" in c || "surname" in c || "@odata.etag" in c || "emailAddresses" in c) return "microsoft";
  throw new ContactFormatError("not a Google People person or a Microsoft Graph contact (no names/resourceName or displayName/givenName)");
}

/** A structured value (N, ADR, ORG): each component escaped, joined by `;`. */
const structured = (parts: (string | undefined)[]) => parts.map((p) => escapeText(p ?? "")).join(";");

const TYPE_MAP: Record<string, string> = { home: "home", work: "work", mobile: "cell", cell: "cell", main: "voice", homefax: "fax", workfax: "fax", pager: "pager", other: "" };

function typeParam(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const t = TYPE_MAP[raw.toLowerCase()];
  return t === undefined ? undefined : t || undefined;
}

function bday(date: unknown): string | undefined {
  if (!isObj(date)) return undefined;
  const y = typeof date.year === "number" && date.year > 0 ? String(date.year).padStart(4, "0") : "--";
  const m = typeof date.month === "number" && date.month > 0 ? String(date.month).padStart(2, "0") : undefined;
  const d = typeof date.day === "number" && date.day > 0 ? String(date.day).padStart(2, "0") : undefined;
  if (!m || !d) return y === "--" ? undefined : y;
  return `${y}${m}${d}`;
}

function photoLine(photo: unknown): string | undefined {
  if (!isObj(photo) || !str(photo.contentBase64)) return undefined;
  const type = str(photo.contentType) ?? "image/jpeg";
  if (!/^image\/[\w.+-]+$/.test(type)) throw new ContactFormatError(`contact photo has a non-image content type: ${type}`);
  const b64 = (photo.contentBase64 as string).replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new ContactFormatError("contact photo is not base64");
  return line("PHOTO", `data:${type};base64,${b64}`);
}

function googleCard(p: Json): string[] {
  const out: string[] = [];
  const name = objs(p.names)[0];
  const emails = objs(p.emailAddresses);
  const orgs = objs(p.organizations);
  const fn = str(name?.displayName) ?? ([str(name?.givenName), str(name?.familyName)].filter(Boolean).join(" ") || str(emails[0]?.value) || str(orgs[0]?.name) || "(no name)");
  out.push(line("FN", escapeText(fn)));
  if (name) out.push(line("N", structured([str(name.familyName), str(name.givenName), str(name.middleName), str(name.honorificPrefix), str(name.honorificSuffix)])));
  for (const n of objs(p.nicknames)) if (str(n.value)) out.push(line("NICKNAME", escapeText(str(n.value) as string)));
  for (const e of emails) if (str(e.value)) out.push(line("EMAIL", escapeText(str(e.value) as string), { TYPE: typeParam(str(e.type)) }));
  for (const t of objs(p.phoneNumbers)) if (str(t.value)) out.push(line("TEL", escapeText(str(t.value) as string), { TYPE: typeParam(str(t.type)) }));
  for (const a of objs(p.addresses)) {
    const street = [str(a.streetAddress), str(a.extendedAddress)].filter(Boolean).join("\n") || undefined;
    out.push(line("ADR", structured([str(a.poBox), undefined, street, str(a.city), str(a.region), str(a.postalCode), str(a.country)]), { TYPE: typeParam(str(a.type)), LABEL: str(a.formattedValue)?.replace(/\n/g, ", ") }));
  }
  const org = orgs[0];
  if (org && (str(org.name) || str(org.department))) out.push(line("ORG", structured([str(org.name), ...(str(org.department) ? [str(org.department)] : [])])));
  if (org && str(org.title)) out.push(line("TITLE", escapeText(str(org.title) as string)));
  const birthday = objs(p.birthdays)[0];
  const b = bday(birthday?.date);
  if (b) out.push(line("BDAY", b));
  for (const u of objs(p.urls)) if (str(u.value)) out.push(line("URL", escapeText(str(u.value) as string), { TYPE: typeParam(str(u.type)) }));
  const note = objs(p.biographies).map((x) => str(x.value)).filter(Boolean).join("\n");
  if (note) out.push(line("NOTE", escapeText(note)));
  const photo = photoLine(p["@holdfast.photo"]);
  if (photo) out.push(photo);
  if (str(p.resourceName)) out.push(line("UID", escapeText(`urn:google:${str(p.resourceName) as string}`)));
  const updated = objs(isObj(p.metadata) ? p.metadata.sources : undefined).map((s) => str(s.updateTime)).find(Boolean);
  if (updated) out.push(line("REV", updated.replace(/[-:]/g, "").replace(/\.\d+/, "")));
  return out;
}

function graphAddress(a: unknown, type: string): string | undefined {
  if (!isObj(a) || !Object.values(a).some((v) => str(v))) return undefined;
  return line("ADR", structured([undefined, undefined, str(a.street), str(a.city), str(a.state), str(a.postalCode), str(a.countryOrRegion)]), { TYPE: type || undefined });
}

function graphCard(c: Json): string[] {
  const out: string[] = [];
  const emails = objs(c.emailAddresses);
  const fn = str(c.displayName) ?? ([str(c.givenName), str(c.middleName), str(c.surname)].filter(Boolean).join(" ") || str(emails[0]?.address) || str(c.companyName) || "(no name)");
  out.push(line("FN", escapeText(fn)));
  out.push(line("N", structured([str(c.surname), str(c.givenName), str(c.middleName), str(c.title), str(c.generation)])));
  if (str(c.nickName)) out.push(line("NICKNAME", escapeText(str(c.nickName) as string)));
  for (const e of emails) if (str(e.address)) out.push(line("EMAIL", escapeText(str(e.address) as string)));
  for (const t of Array.isArray(c.businessPhones) ? c.businessPhones : []) if (str(t)) out.push(line("TEL", escapeText(t as string), { TYPE: "work" }));
  for (const t of Array.isArray(c.homePhones) ? c.homePhones : []) if (str(t)) out.push(line("TEL", escapeText(t as string), { TYPE: "home" }));
  if (str(c.mobilePhone)) out.push(line("TEL", escapeText(str(c.mobilePhone) as string), { TYPE: "cell" }));
  for (const [a, type] of [[c.businessAddress, "work"], [c.homeAddress, "home"], [c.otherAddress, ""]] as const) {
    const l = graphAddress(a, type);
    if (l) out.push(l);
  }
  if (str(c.companyName) || str(c.department)) out.push(line("ORG", structured([str(c.companyName), ...(str(c.department) ? [str(c.department)] : [])])));
  if (str(c.jobTitle)) out.push(line("TITLE", escapeText(str(c.jobTitle) as string)));
  const birthday = str(c.birthday);
  if (birthday && /^\d{4}-\d{2}-\d{2}/.test(birthday)) out.push(line("BDAY", birthday.slice(0, 10).replace(/-/g, "")));
  if (str(c.businessHomePage)) out.push(line("URL", escapeText(str(c.businessHomePage) as string), { TYPE: "work" }));
  for (const im of Array.isArray(c.imAddresses) ? c.imAddresses : []) if (str(im)) out.push(line("IMPP", escapeText(im as string)));
  const categories = (Array.isArray(c.categories) ? c.categories : []).filter((x): x is string => !!str(x));
  if (categories.length > 0) out.push(line("CATEGORIES", categories.map(escapeText).join(",")));
  if (str(c.personalNotes)) out.push(line("NOTE", escapeText(str(c.personalNotes) as string)));
  const photo = photoLine(c["@holdfast.photo"]);
  if (photo) out.push(photo);
  if (str(c.id)) out.push(line("UID", escapeText(`urn:microsoft:${str(c.id) as string}`)));
  if (str(c.lastModifiedDateTime)) out.push(line("REV", (str(c.lastModifiedDateTime) as string).replace(/[-:]/g, "").replace(/\.\d+/, "")));
  return out;
}

/** Unfolded content lines of one vCard 4.0, BEGIN to END. */
export function toVCard(contact: unknown): string[] {
  if (!isObj(contact)) throw new ContactFormatError("contact JSON is not an object");
  const body = contactSource(contact) === "google" ? googleCard(contact) : graphCard(contact);
  return ["BEGIN:VCARD", "VERSION:4.0", ...body, "END:VCARD"];
}
