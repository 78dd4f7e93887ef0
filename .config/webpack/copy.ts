import CopyWebpackPlugin from 'copy-webpack-plugin';

import { VERSION } from './project';

/** Stamps the build's version and date into plugin.json, which Grafana shows on the plugin page. */
function stampPluginJson(content: Buffer): string {
  const today = new Date().toISOString().slice(0, 10);
  return content
    .toString()
    .replace(/%VERSION%/g, VERSION)
    .replace(/%TODAY%/g, today);
}

/** Copies the non-code files a plugin archive needs into dist/. Docs the lead may not have written yet are optional. */
export function copyPluginFiles(): CopyWebpackPlugin {
  return new CopyWebpackPlugin({
    patterns: [
      { from: 'src/plugin.json', to: '.', transform: stampPluginJson },
      { from: 'src/img', to: 'img', noErrorOnMissing: true },
      // The plugin page Grafana shows is for users; the repository's README is for contributors.
      { from: 'src/README.md', to: '.' },
      { from: 'CHANGELOG.md', to: '.', noErrorOnMissing: true },
      { from: 'LICENSE', to: '.', noErrorOnMissing: true },
    ],
  });
}
