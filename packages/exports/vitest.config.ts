import { preset } from "@holdfast/vitest-config";

export default preset("unit");
