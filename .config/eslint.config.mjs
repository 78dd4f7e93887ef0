import grafanaConfig from '@grafana/eslint-config';

/** Grafana's shared rules, with the folders that hold no frontend source left out. */
export default [
  {
    ignores: [
      '**/dist/',
      // Catalog archives and their staging trees (go tool mage package): built code.
      'build/',
      '**/node_modules/',
      'coverage/',
      'test-results/',
      'playwright-report/',
      'backend/',
      'provisioning/',
      'docs/',
    ],
  },
  // ESLint lints only JavaScript unless a config names other files.
  { files: ['**/*.{ts,tsx}'] },
  ...grafanaConfig,
  {
    rules: {
      // TypeScript types describe props; prop-types would repeat them.
      'react/prop-types': 'off',
    },
  },
  {
    files: ['**/*.{js,cjs}'],
    languageOptions: { sourceType: 'commonjs' },
  },
];
