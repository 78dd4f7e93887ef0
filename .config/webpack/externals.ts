import { Configuration } from 'webpack';

/**
 * Modules Grafana already provides to plugins at run time. Bundling them would load a second,
 * unconnected copy (its own React, its own theme context).
 */
export const SHARED = [
  '@emotion/css',
  '@emotion/react',
  '@grafana/data',
  '@grafana/runtime',
  '@grafana/schema',
  '@grafana/ui',
  '@grafana/i18n',
  'd3',
  'i18next',
  'jquery',
  'lodash',
  'moment',
  'prismjs',
  'react',
  'react-dom',
  'react-redux',
  'react-router',
  'react-router-dom',
  'redux',
  'rxjs',
  'slate',
  'slate-plain-serializer',
];

export const externals: Configuration['externals'] = [
  ...SHARED,
  // Legacy imports such as "grafana/app/core/..." resolve to Grafana's own module names.
  ({ request }, callback) => {
    const prefix = 'grafana/';
    if (request?.startsWith(prefix)) {
      return callback(undefined, request.slice(prefix.length));
    }
    callback();
  },
];
