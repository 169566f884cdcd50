"use client";
import { useSyncExternalStore } from "react";
import { formatDate, formatDateTime, formatRelative } from "~/lib/format";

const subscribe = () => () => undefined;

/** True after hydration; the server (and the first client render) use UTC so markup matches. */
function useIsClient() {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}

/** A timestamp in the viewer's own time zone, with the exact instant on hover. */
export function LocalTime({ iso, mode = "datetime", seconds = false }: { iso: string; mode?: "datetime" | "date" | "relative"; seconds?: boolean }) {
  const client = useIsClient();
  const tz = client ? undefined : "UTC";
  const exact = formatDateTime(iso, { timeZone: tz, seconds: true });
  const text = mode === "date" ? formatDate(iso, { timeZone: tz }) : mode === "relative" && client ? formatRelative(iso) : formatDateTime(iso, { timeZone: tz, seconds });
  return (
    <time dateTime={iso} title={client ? exact : `${exact} UTC`} suppressHydrationWarning>
      {text}
    </time>
  );
}

export function useTimeZoneName(): string {
  const client = useIsClient();
  return client ? Intl.DateTimeFormat().resolvedOptions().timeZone : "UTC";
}

/** ` · finished 3 May 2026, 10:09` after other text, or nothing while there is no such time. */
export function TimeSuffix({ prefix, iso, mode }: { prefix: string; iso: string | null | undefined; mode?: "datetime" | "date" | "relative" }) {
  if (!iso) return null;
  return (
    <>
      {prefix}
      <LocalTime iso={iso} mode={mode} />
    </>
  );
}
