// Control-API mutations of calendars (service "calendar"); each is a change a sync token reports:
// - edit: the title changes; move: rescheduled by 1–14 days; delete: cancelled (a tombstone);
// - ransomware: title and description replaced by opaque text; create: new one-off events.
import { chosen, Rng } from "../../data/random";
import type { MutationInput, TouchedItem } from "../../tenants";
import type { Calendar, CalEvent } from "./store";

const shift = (t: { dateTime: string; timeZone: string }, ms: number) => ({ ...t, dateTime: new Date(Date.parse(t.dateTime) + ms).toISOString().replace(/\.\d{3}Z$/, "Z") });

export function mutateCalendar(cal: Calendar, unit: string, input: MutationInput): TouchedItem[] {
  const touched: TouchedItem[] = [];
  if (input.kind === "create") {
    const n = input.fraction > 0 ? Math.max(1, Math.round(input.fraction * cal.order.length)) : 0;
    for (let k = 0; k < n; k++) {
      const rng = Rng.from("gc-create", input.seed, cal.id, k);
      const start = Date.UTC(2025, 6, 1, 9) + rng.int(120) * 86_400_000;
      const e: CalEvent = { id: cal.newId("create", input.seed, k), status: "confirmed", summary: `New meeting ${input.seed}-${k}`, start: shift({ dateTime: new Date(start).toISOString(), timeZone: "UTC" }, 0), end: shift({ dateTime: new Date(start).toISOString(), timeZone: "UTC" }, 3_600_000), created: cal.clock, updated: cal.clock, seq: 0, sequence: 0 };
      cal.touch(e);
      touched.push({ unit, id: e.id, action: "created", calendarId: cal.id });
    }
    return touched;
  }
  const picked = [...cal.live(false)].filter((e) => chosen(input.fraction, input.seed, input.kind, e.id));
  for (const e of picked) {
    const rng = Rng.from("gc", input.kind, input.seed, e.id);
    switch (input.kind) {
      case "edit":
        e.summary = `${e.summary} (updated)`;
        e.sequence += 1;
        cal.touch(e);
        touched.push({ unit, id: e.id, action: "edited", calendarId: cal.id });
        break;
      case "move": {
        const days = (1 + rng.int(14)) * 86_400_000;
        e.start = shift(e.start, days);
        e.end = shift(e.end, days);
        e.sequence += 1;
        cal.touch(e);
        touched.push({ unit, id: e.id, action: "moved", calendarId: cal.id, start: e.start });
        break;
      }
      case "delete":
        cal.cancel(e.id);
        touched.push({ unit, id: e.id, action: "deleted", calendarId: cal.id });
        break;
      case "ransomware":
        e.summary = rng.bytes(12).toString("base64");
        e.description = `${rng.bytes(48).toString("base64")}.locked`;
        cal.touch(e);
        touched.push({ unit, id: e.id, action: "encrypted", calendarId: cal.id });
        break;
    }
  }
  return touched;
}
