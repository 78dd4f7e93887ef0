const path = require('path');

// Packages that ship only ES modules; jest runs CommonJS, so these must be transformed too.
const ESM_PACKAGES = [
  '@wojtekmaj/date-utils',
  'd3',
  'd3-[^/]+',
  'delaunator',
  'get-user-locale',
  'internmap',
  'marked',
  'memoize',
  'mimic-function',
  'react-calendar',
  'robust-predicates',
  'ol',
];

const swc = {
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', tsx: true },
    transform: { react: { runtime: 'classic' } },
  },
  module: { type: 'commonjs' },
};

module.exports = {
  rootDir: path.resolve(__dirname, '..'),
  testEnvironment: 'jsdom',
  // A busy CI machine (2 cores, other suites running) renders slowly: no test is about time.
  testTimeout: 30000,
  setupFilesAfterEnv: ['<rootDir>/.config/jest-setup.js'],
  testMatch: ['<rootDir>/src/**/__tests__/**/*.{js,jsx,ts,tsx}', '<rootDir>/src/**/*.{spec,test,jest}.{js,jsx,ts,tsx}'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', swc],
    '^.+\\.mjs$': ['@swc/jest', swc],
  },
  moduleNameMapper: {
    '\\.(css|scss|sass)$': '<rootDir>/.config/jest-style-mock.js',
    '^react-inlinesvg$': '<rootDir>/.config/jest-inlinesvg-mock.js',
  },
  transformIgnorePatterns: [`node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
};
