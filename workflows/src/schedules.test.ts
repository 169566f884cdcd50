import { describe, expect, it } from "vitest";
import { scheduleTimes } from "./schedules";

describe("scheduleTimes", () => {
  it("spreads the runs evenly over the day, starting at 01:00", () => {
    expect(scheduleTimes(1)).toEqual([{ hour: 1, minute: 0 }]);
    expect(scheduleTimes(3)).toEqual([{ hour: 1, minute: 0 }, { hour: 9, minute: 0 }, { hour: 17, minute: 0 }]);
    expect(scheduleTimes(5).map((t) => `${t.hour}:${t.minute}`)).toEqual(["1:0", "5:48", "10:36", "15:24", "20:12"]);
    expect(scheduleTimes(24)).toHaveLength(24);
    expect(new Set(scheduleTimes(24).map((t) => t.hour)).size).toBe(24);
  });
});
