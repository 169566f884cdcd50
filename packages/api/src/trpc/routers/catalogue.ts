import { router } from "../init";

export const catalogueRouter = router({});
