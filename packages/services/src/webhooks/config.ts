// The webhook settings live with the rest of the configuration (ADR 0022).
export { webhooksConfig } from "@holdfast/config";
