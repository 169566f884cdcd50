// When a source's schedule fires next, before jitter. The schedule's times are local to its IANA
// time zone (as the Temporal Schedule's calendar spec is), so the instant is found by converting
// each candidate local time to UTC with the zone's offset at that moment.

/** Minutes the zone is ahead of UTC at `at` (e.g. +60 for Europe/Paris in winter). */
export function zoneOffsetMinutes(timeZone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(at);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second"));
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/** The UTC instant of local wall time y-m-d h:m in `timeZone` (DST gaps resolve forward). */
export function localToUtc(timeZone: string, y: number, m: number, d: number, hour: number, minute: number): Date {
  const wall = Date.UTC(y, m, d, hour, minute);
  let guess = wall - zoneOffsetMinutes(timeZone, new Date(wall)) * 60_000;
  // One correction handles a guess that landed on the other side of a DST change.
  guess = wall - zoneOffsetMinutes(timeZone, new Date(guess)) * 60_000;
  return new Date(guess);
}

/** The first of `times` (local hour/minute) strictly after `now` in `timeZone`. */
export function nextLocalTime(times: readonly { hour: number; minute: number }[], timeZone: string, now: Date): Date | null {
  if (times.length === 0) return null;
  const local = new Date(now.getTime() + zoneOffsetMinutes(timeZone, now) * 60_000);
  let best: Date | null = null;
  for (let day = 0; day <= 2 && !best; day++) {
    for (const t of times) {
      const at = localToUtc(timeZone, local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + day, t.hour, t.minute);
      if (at.getTime() > now.getTime() && (!best || at < best)) best = at;
    }
  }
  return best;
}
