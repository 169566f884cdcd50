import { router } from "../init";

export const exportsRouter = router({});
