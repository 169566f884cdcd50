"use client";
import { useEffect } from "react";

/**
 * Marks the document once React has hydrated it (`<html data-hydrated>`). Browser tests wait for
 * it before following links (a person cannot use a page before it is interactive either; Next 15's
 * router could also drop a <Link> click landing in the same
 * instant as hydration, vercel/next.js#98305, fixed in Next 16: ADR 0017).
 */
export function HydrationMark() {
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return null;
}
