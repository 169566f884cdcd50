// Test support for the connector suites: page through listChanges until the provider says done.
import type { Change, Cursor, DiscoveredUnit, UnitConnector } from "../core/types";

export interface Drained {
  changes: Change[];
  cursor: Cursor;
  pages: number;
  full: boolean;
}

export async function drain(c: UnitConnector, unit: DiscoveredUnit, cursor: Cursor | null, pageSize = 25): Promise<Drained> {
  const changes: Change[] = [];
  let pages = 0;
  let full = false;
  for (;;) {
    const page = await c.listChanges(unit, cursor, { pageSize });
    pages += 1;
    full = page.full;
    changes.push(...page.changes);
    cursor = page.cursor;
    if (page.done) return { changes, cursor, pages, full };
  }
}
