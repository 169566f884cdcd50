"use client";
// A live countdown to an instant: re-renders only when its words change (each second under a
// minute, else each minute), so a page of requests does not repaint every second.
import { useEffect, useState, type ReactNode } from "react";
import { formatDateTime } from "~/lib/format";
import { formatCountdown, nextTickDelay } from "./guard-text";

/** `Runs in 2 d 5 h` (prefix + the time left) in a `<time>`, or `due` once the instant has passed. */
export function Countdown({ iso, prefix, suffix = "", due }: { iso: string; prefix: string; suffix?: string; due: ReactNode }) {
  const target = new Date(iso).getTime();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const delay = nextTickDelay(target - now);
    if (delay === null) return;
    // A few ms past the boundary, so the next render is on the far side of it.
    const t = setTimeout(() => setNow(Date.now()), delay + 20);
    return () => clearTimeout(t);
  }, [target, now]);
  const left = formatCountdown(target - now);
  if (left === null) return <>{due}</>;
  return (
    <time dateTime={iso} title={formatDateTime(iso, { seconds: true })} suppressHydrationWarning>
      {prefix}
      {left}
      {suffix}
    </time>
  );
}
