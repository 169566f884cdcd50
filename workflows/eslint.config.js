import { workflows } from "@holdfast/eslint-config/workflows";

export default workflows({ tsconfigRootDir: import.meta.dirname });
