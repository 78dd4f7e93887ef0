// The jest config lives in .config/ with the other build configs; see .config/README.md.
module.exports = require('./.config/jest.config');
