"use client";
// Every source and unit of the organisation, read page by page through the same tRPC queries the
// sources pages use, so a job or the wizard can name a unit from its id and list its neighbours.
import type { SourceDetail, Unit } from "@holdfast/services";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";

export interface UnitDirectory {
  sources: SourceDetail[];
  units: Unit[];
  unit(id: string | null | undefined): Unit | undefined;
  source(id: string | null | undefined): SourceDetail | undefined;
}

/** The name a unit goes by in the console: its display name (as browse shows it), with its owner's address when that differs. */
export function unitName(u: Pick<Unit, "displayName" | "ownerEmail">): string {
  return u.ownerEmail && u.ownerEmail !== u.displayName ? `${u.displayName} (${u.ownerEmail})` : u.displayName;
}

export function useUnitDirectory(orgId: string) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  return useQuery({
    queryKey: ["holdfast", "unit-directory", orgId],
    staleTime: 60_000,
    queryFn: async (): Promise<UnitDirectory> => {
      const sources = await qc.fetchQuery(trpc.sources.list.queryOptions({ orgId }));
      const units: Unit[] = [];
      for (const s of sources) {
        let cursor: string | undefined;
        do {
          const page = await qc.fetchQuery(trpc.sources.units.queryOptions({ orgId, id: s.id, page: { limit: 500, ...(cursor ? { cursor } : {}) } }));
          units.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
      }
      const byUnit = new Map(units.map((u) => [u.id, u]));
      const bySource = new Map(sources.map((s) => [s.id, s]));
      return { sources, units, unit: (id) => (id ? byUnit.get(id) : undefined), source: (id) => (id ? bySource.get(id) : undefined) };
    },
  });
}
