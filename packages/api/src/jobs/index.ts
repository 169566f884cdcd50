export type { JobsPort } from "./port";
export { createTemporalJobs, type TemporalJobsOptions } from "./temporal";
