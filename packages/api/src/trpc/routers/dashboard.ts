// The console's overview: protection state, recovery-point age and history per source and unit.
import { router } from "../init";

export const dashboardRouter = router({});
