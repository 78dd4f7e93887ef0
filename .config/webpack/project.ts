import fs from 'fs';
import path from 'path';

/** The repository root: every path in the webpack config is relative to it. */
export const ROOT = path.resolve(__dirname, '..', '..');

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));
}

/** The plugin id, from src/plugin.json, so it is written in one place. */
export const PLUGIN_ID = String(readJson('src/plugin.json').id);

/** The version stamped into dist/plugin.json, from package.json. */
export const VERSION = String(readJson('package.json').version);
