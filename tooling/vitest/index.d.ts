import type { UserConfig } from "vitest/config";
export declare function preset(layer: "unit" | "int"): UserConfig;
