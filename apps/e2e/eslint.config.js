import { base } from "@holdfast/eslint-config/base";

// The e2e harness is a test driver: it reads its own environment directly.
export default base({ tsconfigRootDir: import.meta.dirname, noProcessEnv: false });
