import { base } from "@holdfast/eslint-config/base";

// The config package is the one place allowed to read process.env.
export default base({ tsconfigRootDir: import.meta.dirname, noProcessEnv: false });
