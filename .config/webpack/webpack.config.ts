import path from 'path';
import { Configuration } from 'webpack';

import { copyPluginFiles } from './copy';
import { externals } from './externals';
import { PLUGIN_ID, ROOT } from './project';

interface Env {
  production?: boolean;
  development?: boolean;
}

/** Builds src/module.ts into dist/module.js, the AMD module Grafana loads for the plugin. */
const config = (env: Env = {}): Configuration => {
  const production = env.production === true;
  return {
    mode: production ? 'production' : 'development',
    context: ROOT,
    devtool: production ? 'source-map' : 'eval-source-map',
    entry: { module: './src/module.ts' },
    externals,
    output: {
      path: path.resolve(ROOT, 'dist'),
      filename: '[name].js',
      library: { type: 'amd' },
      publicPath: `public/plugins/${PLUGIN_ID}/`,
      uniqueName: PLUGIN_ID,
      // Never clean: the Go build writes dist/gpx_pulse_streaming_* next to our files.
      clean: false,
    },
    resolve: {
      extensions: ['.ts', '.tsx', '.js', '.jsx', '.mjs'],
    },
    module: {
      rules: [
        {
          test: /\.[jt]sx?$/,
          exclude: /node_modules/,
          use: {
            loader: 'swc-loader',
            options: {
              jsc: {
                target: 'es2020',
                parser: { syntax: 'typescript', tsx: true },
                transform: { react: { runtime: 'classic' } },
              },
            },
          },
        },
      ],
    },
    plugins: [copyPluginFiles()],
    performance: { hints: false },
    watchOptions: { ignored: ['**/node_modules', '**/dist'] },
  };
};

export default config;
