"use client";
// Names for units and sources, so a job or the wizard can say "Restore of alice@example.com" from
// the ids it holds. What is read depends on who is looking (ADR 0016):
// - self-service: `catalogue.ownUnits`, the person's own units (the only ones they may name);
// - a member naming particular units: `catalogue.unit` for each, plus `sources.list`;
// - a member with no ids given: every unit of every source, page by page (the jobs pages).
import type { SourceDetail, Unit } from "@holdfast/services";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useOrgAccess } from "~/components/shell/org-access";
import { isNotFound } from "~/lib/errors";
import { useTRPC } from "~/trpc/react";

/** What the console shows of a source next to its units. */
export type DirectorySource = Pick<SourceDetail, "id" | "displayName" | "provider">;

export interface UnitDirectory {
  sources: DirectorySource[];
  units: Unit[];
  unit(id: string | null | undefined): Unit | undefined;
  source(id: string | null | undefined): DirectorySource | undefined;
}

/** The name a unit goes by in the console: its display name (as browse shows it), with its owner's address when that differs. */
export function unitName(u: Pick<Unit, "displayName" | "ownerEmail">): string {
  return u.ownerEmail && u.ownerEmail !== u.displayName ? `${u.displayName} (${u.ownerEmail})` : u.displayName;
}

const STALE = 60_000;

function directoryOf(units: (Unit & { source?: DirectorySource })[], sources: DirectorySource[]): UnitDirectory {
  const bySource = new Map(sources.map((s) => [s.id, s]));
  // A unit read with its source names that source even when the source list was not read.
  for (const u of units) if (u.source && !bySource.has(u.source.id)) bySource.set(u.source.id, u.source);
  const byUnit = new Map(units.map((u) => [u.id, u]));
  return { sources: [...bySource.values()], units, unit: (id) => (id ? byUnit.get(id) : undefined), source: (id) => (id ? bySource.get(id) : undefined) };
}

/**
 * `unitIds`: the units the caller needs named (the wizard's unit, a page of jobs' units). A unit
 * that does not exist (or that the viewer may not see) is simply absent from the directory.
 */
export function useUnitDirectory(orgId: string, options: { unitIds?: readonly (string | null | undefined)[] } = {}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const selfService = useOrgAccess(orgId)?.selfService ?? false;
  const ids = options.unitIds ? [...new Set(options.unitIds.filter((id): id is string => !!id))].sort() : null;
  return useQuery({
    queryKey: ["holdfast", "unit-directory", orgId, selfService ? "own" : ids ? { ids } : "all"],
    staleTime: STALE,
    queryFn: async (): Promise<UnitDirectory> => {
      if (selfService) {
        const own = await qc.fetchQuery({ ...trpc.catalogue.ownUnits.queryOptions({ orgId }), staleTime: STALE });
        return directoryOf(own, []);
      }
      const sources = await qc.fetchQuery({ ...trpc.sources.list.queryOptions({ orgId }), staleTime: STALE });
      if (ids) {
        const units = await Promise.all(
          ids.map((id) =>
            qc.fetchQuery({ ...trpc.catalogue.unit.queryOptions({ orgId, id }), staleTime: STALE }).catch((err: unknown) => {
              if (isNotFound(err)) return null;
              throw err;
            }),
          ),
        );
        return directoryOf(
          units.filter((u) => u !== null),
          sources,
        );
      }
      const units: Unit[] = [];
      for (const s of sources) {
        let cursor: string | undefined;
        do {
          const page = await qc.fetchQuery(trpc.sources.units.queryOptions({ orgId, id: s.id, page: { limit: 500, ...(cursor ? { cursor } : {}) } }));
          units.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
      }
      return directoryOf(units, sources);
    },
  });
}
