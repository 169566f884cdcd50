// Control-API mutations of contacts (service "contacts"); each is a change a sync token reports:
// - edit: a phone number is added and the organization changes; delete: the contact is deleted;
// - ransomware: names replaced by opaque text and the photo by random (non-image) bytes;
// - create: new contacts; move: not applicable (contacts have no folders here) — a 400.
import { chosen, Rng } from "../../data/random";
import { UnknownUnitError, type MutationInput, type TouchedItem } from "../../tenants";
import type { ContactBook } from "./store";

export function mutateContacts(book: ContactBook, unit: string, input: MutationInput): TouchedItem[] {
  if (input.kind === "move") throw new UnknownUnitError("move is not emulated for contacts (no contact groups)");
  const touched: TouchedItem[] = [];
  if (input.kind === "create") {
    const n = input.fraction > 0 ? Math.max(1, Math.round(input.fraction * book.live().length)) : 0;
    for (let k = 0; k < n; k++) {
      const c = book.create({ givenName: `New${input.seed}`, familyName: `Contact${k}`, emails: [`new-${input.seed}-${k}@example.com`], phones: [] });
      touched.push({ unit, id: `people/${c.id}`, action: "created" });
    }
    return touched;
  }
  for (const c of book.live().filter((x) => chosen(input.fraction, input.seed, input.kind, x.id))) {
    const rng = Rng.from("people-mutate", input.seed, input.kind, c.id);
    if (input.kind === "delete") {
      book.delete(c.id);
      touched.push({ unit, id: `people/${c.id}`, action: "deleted" });
    } else if (input.kind === "edit") {
      book.update(c.id, { phones: [...c.phones, `+1 555 02${String(rng.int(100)).padStart(2, "0")}`], organization: `Edited ${input.seed}` });
      touched.push({ unit, id: `people/${c.id}`, action: "edited" });
    } else {
      book.update(c.id, { givenName: rng.bytes(9).toString("base64"), familyName: `${rng.bytes(6).toString("base64")}.locked` });
      book.setPhoto(c.id, rng.bytes(512));
      touched.push({ unit, id: `people/${c.id}`, action: "encrypted" });
    }
  }
  return touched;
}
