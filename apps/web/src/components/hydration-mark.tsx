"use client";
import { useEffect } from "react";

/**
 * Marks the document once React has hydrated it (`<html data-hydrated>`). Browser tests wait for
 * it before following links: Next 15's router can drop a <Link> click that lands in the same
 * instant as hydration on a busy machine (vercel/next.js#98305, fixed in 16).
 */
export function HydrationMark() {
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return null;
}
