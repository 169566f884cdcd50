import { base } from "@holdfast/eslint-config/base";

export default base({ tsconfigRootDir: import.meta.dirname });
