// A Google tenant's calendars: per user a primary calendar and a "Team events" calendar,
// seeded on first use.
import type { GoogleUser } from "../tenant";
import { Calendar, seedCalendar } from "./store";

export class GoogleCalendars {
  private readonly byUser = new Map<string, Calendar[]>();

  constructor(
    private readonly seed: number,
    private readonly eventsPerUser: number,
    private readonly users: readonly GoogleUser[],
  ) {}

  of(user: GoogleUser): Calendar[] {
    let cals = this.byUser.get(user.id);
    if (!cals) {
      const colleagues = this.users.filter((u) => u.id !== user.id).map((u) => u.email);
      const primary = new Calendar(user.email, user.email, true);
      seedCalendar(primary, this.seed, this.eventsPerUser, user.email, colleagues);
      const team = new Calendar(`c_${user.id}@group.calendar.google.com`, "Team events", false);
      seedCalendar(team, this.seed, Math.ceil(this.eventsPerUser / 10), user.email, colleagues);
      cals = [primary, team];
      this.byUser.set(user.id, cals);
    }
    return cals;
  }

  find(user: GoogleUser, calendarId: string): Calendar | undefined {
    const cals = this.of(user);
    return calendarId === "primary" ? cals[0] : cals.find((c) => c.id === calendarId.toLowerCase() || c.id === calendarId);
  }

  expireHistory(users: GoogleUser[]): void {
    for (const u of users) for (const c of this.of(u)) c.expireHistory();
  }
}
