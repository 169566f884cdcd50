import type { LaunchSpec } from "../proc.js";

export const SERVICE_NAMES = ["postgres", "temporal", "vault", "stripe", "mail"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** A server we can run ourselves when no external one is configured. */
export interface LocalService {
  name: ServiceName;
  /** Where clients reach it: a URL or host:port. */
  address: string;
  healthy(): Promise<boolean>;
  /** Create data folders, initdb, … before the first start. */
  prepare?(): Promise<void>;
  launch(): Omit<LaunchSpec, "foreground" | "onLine">;
  startTimeoutMs: number;
}
