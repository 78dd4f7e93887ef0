// The eslint config lives in .config/ with the other build configs; see .config/README.md.
export { default } from './.config/eslint.config.mjs';
