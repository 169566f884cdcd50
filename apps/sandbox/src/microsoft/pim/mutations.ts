// Control-API mutations of a user's calendar and contacts, alongside mail and OneDrive.
// Events: edit = subject changed; move = rescheduled 1–14 days later; delete = permanent;
// ransomware = subject, body and location overwritten with opaque text; create = new one-off
// events. Contacts: edit = job title and phone changed; move = company changed (one folder, so
// nothing to move between); delete; ransomware = names, notes and addresses overwritten (the
// photo dropped); create = new contacts. Selection is hash(seed, kind, id) < fraction.
import { chosen, Rng } from "../../data/random";
import type { MutationInput, TouchedItem } from "../../tenants";
import { photoBytes, pimToday, type ContactData, type EventData } from "./data";
import type { PimStore } from "./store";

const opaque = (rng: Rng, n: number) => rng.bytes(n).toString("base64");

export function mutatePim(calendar: PimStore<EventData>, contacts: PimStore<ContactData>, unit: string, input: MutationInput): TouchedItem[] {
  const touched: TouchedItem[] = [];
  if (input.kind === "create") {
    const n = (size: number) => (input.fraction > 0 ? Math.max(1, Math.round(input.fraction * size)) : 0);
    for (let k = 0, count = n(calendar.size); k < count; k++) {
      const rng = Rng.from("ms-event-create", input.seed, unit, k);
      const start = pimToday() - 30 * 86_400_000 + rng.int(60) * 86_400_000 + (9 + rng.int(8)) * 3_600_000;
      const e = calendar.create({ subject: `New meeting ${input.seed}-${k + 1}`, body: { contentType: "text", content: `Created by mutation ${input.seed}` }, location: "Teams meeting", start, end: start + 3_600_000, isAllDay: false, attendees: [], organizer: { name: unit, address: unit }, recurrence: null });
      touched.push({ unit, id: e.id, action: "created", service: "calendar" });
    }
    for (let k = 0, count = n(contacts.size); k < count; k++) {
      const rng = Rng.from("ms-contact-create", input.seed, unit, k);
      const c = contacts.create({ givenName: "New", surname: `Contact ${input.seed}-${k + 1}`, displayName: `New Contact ${input.seed}-${k + 1}`, emailAddresses: [{ name: `New Contact ${k + 1}`, address: `new.contact.${input.seed}.${k + 1}@example.com` }], businessPhones: [], mobilePhone: null, companyName: "", jobTitle: "", personalNotes: "", photo: rng.chance(0.5) ? photoBytes(rng) : null });
      touched.push({ unit, id: c.id, action: "created", service: "contacts" });
    }
    return touched;
  }
  for (const e of calendar.list().filter((x) => chosen(input.fraction, input.seed, input.kind, x.id))) {
    const rng = Rng.from(`ms-event-${input.kind}`, input.seed, e.id);
    switch (input.kind) {
      case "edit":
        calendar.update(e.id, (d) => ({ ...d, subject: `${d.subject} (updated)` }));
        touched.push({ unit, id: e.id, action: "edited", service: "calendar" });
        break;
      case "move": {
        const shift = (1 + rng.int(14)) * 86_400_000;
        // A series moves as a whole: its end date with it.
        const until = (d: EventData) => (d.recurrence?.range.endDate ? { ...d.recurrence, range: { ...d.recurrence.range, endDate: new Date(Date.parse(`${d.recurrence.range.endDate}T00:00:00Z`) + shift).toISOString().slice(0, 10) } } : d.recurrence);
        calendar.update(e.id, (d) => ({ ...d, start: d.start + shift, end: d.end + shift, recurrence: until(d) }));
        touched.push({ unit, id: e.id, action: "moved", service: "calendar" });
        break;
      }
      case "delete":
        calendar.delete(e.id);
        touched.push({ unit, id: e.id, action: "deleted", service: "calendar" });
        break;
      case "ransomware":
        calendar.update(e.id, (d) => ({ ...d, subject: opaque(rng, 24), body: { contentType: "text", content: opaque(rng, 96) }, location: opaque(rng, 12) }));
        touched.push({ unit, id: e.id, action: "encrypted", service: "calendar" });
        break;
    }
  }
  for (const c of contacts.list().filter((x) => chosen(input.fraction, input.seed, input.kind, x.id))) {
    const rng = Rng.from(`ms-contact-${input.kind}`, input.seed, c.id);
    switch (input.kind) {
      case "edit":
        contacts.update(c.id, (d) => ({ ...d, jobTitle: `Senior ${d.jobTitle}`, businessPhones: [`+1 425 555 ${String(rng.int(10_000)).padStart(4, "0")}`] }));
        touched.push({ unit, id: c.id, action: "edited", service: "contacts" });
        break;
      case "move":
        contacts.update(c.id, (d) => ({ ...d, companyName: `${d.companyName} (acquired)` }));
        touched.push({ unit, id: c.id, action: "moved", service: "contacts" });
        break;
      case "delete":
        contacts.delete(c.id);
        touched.push({ unit, id: c.id, action: "deleted", service: "contacts" });
        break;
      case "ransomware":
        contacts.update(c.id, (d) => ({ ...d, givenName: opaque(rng, 9), surname: opaque(rng, 9), displayName: opaque(rng, 18), personalNotes: opaque(rng, 64), emailAddresses: d.emailAddresses.map(() => ({ name: opaque(rng, 9), address: `${rng.bytes(6).toString("hex")}@invalid.example` })), photo: null }));
        touched.push({ unit, id: c.id, action: "encrypted", service: "contacts" });
        break;
    }
  }
  return touched;
}
