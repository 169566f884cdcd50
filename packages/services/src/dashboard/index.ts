// The console's overview: protection state, recovery-point age and history per source and unit.
export * from "./types";
export { getDashboard, type DashboardOptions } from "./summary";
export { getDashboardHistory, type DashboardHistoryOptions } from "./history";
export { classifySource, sourceReasons, thresholds, roughAge, ISSUE_HELP, STOPPED_AFTER_SECONDS, type SourceFacts } from "./classify";
