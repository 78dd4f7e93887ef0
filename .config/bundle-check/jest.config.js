// Runs only the bundle check, against dist/ as `npm run build` left it.
const base = require('../jest.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/.config/bundle-check/*.check.ts'],
};
