// VTIMEZONE components (RFC 5545 §3.6.5) for the IANA zones an export's events use, computed
// from the runtime's time zone data (Intl): the zone's transitions in the years the events fall
// in, each as an observance of its own; the last year's pair also repeats yearly when an
// "nth weekday of month" rule reproduces the following year's transitions.
const MINUTE = 60_000;
const DAY = 86_400_000;

function offsetMinutes(tz: string, at: number): number {
  const name = new Intl.DateTimeFormat("en-US", { timeZone: tz, timeZoneName: "longOffset" }).formatToParts(at).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  if (!m) return 0;
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

interface Transition {
  at: number;
  from: number;
  to: number;
}

function transitionsIn(tz: string, year: number): Transition[] {
  const out: Transition[] = [];
  const start = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  let prev = offsetMinutes(tz, start);
  for (let t = start + DAY; t <= end; t += DAY) {
    const cur = offsetMinutes(tz, t);
    if (cur === prev) continue;
    let lo = t - DAY;
    let hi = t;
    while (hi - lo > MINUTE) {
      const mid = Math.max(lo + MINUTE, lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE);
      if (offsetMinutes(tz, mid) === prev) lo = mid;
      else hi = mid;
    }
    out.push({ at: hi, from: prev, to: cur });
    prev = cur;
  }
  return out;
}

const pad = (n: number) => String(n).padStart(2, "0");

function offsetValue(min: number): string {
  const a = Math.abs(min);
  return `${min < 0 ? "-" : "+"}${pad(Math.floor(a / 60))}${pad(a % 60)}`;
}

/** The local wall time (under the old offset) at which a transition happens. */
function localStart(t: Transition): Date {
  return new Date(t.at + t.from * MINUTE);
}

function localValue(d: Date): string {
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

const BYDAY = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];

/** `BYMONTH=3;BYDAY=2SU` for a local date, with -1 for the last such weekday of its month. */
function weekdayRule(d: Date): { rule: string; matches: (next: Date) => boolean } {
  const day = d.getUTCDate();
  const month = d.getUTCMonth();
  const daysInMonth = new Date(Date.UTC(d.getUTCFullYear(), month + 1, 0)).getUTCDate();
  const n = day + 7 > daysInMonth ? -1 : Math.ceil(day / 7);
  const rule = `BYMONTH=${month + 1};BYDAY=${n}${BYDAY[d.getUTCDay()]}`;
  const matches = (next: Date) => {
    const dim = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
    const nn = next.getUTCDate() + 7 > dim ? -1 : Math.ceil(next.getUTCDate() / 7);
    return next.getUTCMonth() === month && next.getUTCDay() === d.getUTCDay() && nn === n && next.getUTCHours() === d.getUTCHours() && next.getUTCMinutes() === d.getUTCMinutes();
  };
  return { rule, matches };
}

/** Unfolded lines of a VTIMEZONE for `tz` covering `years` (at most 50 years from the earliest; later ones by the yearly rules). */
export function vtimezone(tz: string, years: readonly number[]): string[] {
  const first = Math.min(...years);
  const last = Math.min(Math.max(...years), first + 50);
  const out = ["BEGIN:VTIMEZONE", `TZID:${tz}`];
  const all: Transition[] = [];
  // From the year before: an event early in `first` falls under that year's last observance.
  for (let y = first - 1; y <= last; y++) all.push(...transitionsIn(tz, y));
  if (all.length === 0) {
    const off = offsetValue(offsetMinutes(tz, Date.UTC(first, 0, 1)));
    out.push("BEGIN:STANDARD", `DTSTART:${first}0101T000000`, `TZOFFSETFROM:${off}`, `TZOFFSETTO:${off}`, "END:STANDARD", "END:VTIMEZONE");
    return out;
  }
  const nextYear = transitionsIn(tz, last + 1);
  const lastYear = all.filter((t) => new Date(t.at).getUTCFullYear() === last);
  for (const t of all) {
    const kind = t.to > t.from ? "DAYLIGHT" : "STANDARD";
    const start = localStart(t);
    out.push(`BEGIN:${kind}`, `DTSTART:${localValue(start)}`, `TZOFFSETFROM:${offsetValue(t.from)}`, `TZOFFSETTO:${offsetValue(t.to)}`);
    const i = lastYear.indexOf(t);
    const next = i >= 0 ? nextYear[i] : undefined;
    if (next && next.from === t.from && next.to === t.to) {
      const { rule, matches } = weekdayRule(start);
      if (matches(localStart(next))) out.push(`RRULE:FREQ=YEARLY;${rule}`);
    }
    out.push(`END:${kind}`);
  }
  out.push("END:VTIMEZONE");
  return out;
}
