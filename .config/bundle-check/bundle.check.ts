/**
 * Loads dist/module.js the way Grafana does, as an AMD module whose dependencies Grafana provides,
 * and checks that what Grafana would get is a working Pulse data source plugin. Run after
 * `npm run build` with `npm run test:bundle`.
 */
import { existsSync, readFileSync } from 'fs';
import path from 'path';

import { CoreApp, DataSourceApi, DataSourceInstanceSettings, DataSourcePlugin } from '@grafana/data';

import { SHARED } from '../webpack/externals';

const dist = path.resolve(__dirname, '../../dist');

interface AmdModule {
  deps: string[];
  exports: Record<string, unknown>;
}

/** Evaluates an AMD bundle, resolving each dependency with this test's own require. */
function loadAmd(file: string): AmdModule {
  const code = readFileSync(file, 'utf8');
  let loaded: AmdModule | undefined;
  const define = (deps: string[], factory: (...modules: unknown[]) => Record<string, unknown>) => {
    loaded = { deps, exports: factory(...deps.map((dep) => require(dep))) };
  };
  new Function('define', code)(Object.assign(define, { amd: true }));
  if (!loaded) {
    throw new Error(`${file} did not call define()`);
  }
  return loaded;
}

describe('the built plugin in dist/', () => {
  beforeAll(() => {
    if (!existsSync(path.join(dist, 'module.js'))) {
      throw new Error('dist/module.js is missing: run `npm run build` first');
    }
  });

  it('asks Grafana only for modules Grafana shares', () => {
    const { deps } = loadAmd(path.join(dist, 'module.js'));
    expect(deps.length).toBeGreaterThan(0);
    expect(deps.filter((dep) => !SHARED.includes(dep))).toEqual([]);
  });

  it('exports a data source plugin with both editors and a working data source class', () => {
    const { exports } = loadAmd(path.join(dist, 'module.js'));
    const plugin = exports.plugin;
    expect(plugin).toBeInstanceOf(DataSourcePlugin);
    const ds = plugin as DataSourcePlugin<DataSourceApi>;
    expect(ds.components.QueryEditor).toBeDefined();
    expect(ds.components.ConfigEditor).toBeDefined();

    const settings = { uid: 'pulse', jsonData: { minStepMs: 2000 } } as unknown as DataSourceInstanceSettings;
    const instance = new ds.DataSourceClass(settings);
    expect(instance.getDefaultQuery?.(CoreApp.PanelEditor)).toMatchObject({ kind: 'randomWalk', stepMs: 2000 });
  });

  it('ships plugin.json with the version and date filled in, and the logo it names', () => {
    const pluginJson = JSON.parse(readFileSync(path.join(dist, 'plugin.json'), 'utf8'));
    const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));
    expect(pluginJson.id).toBe('pulse-streaming-datasource');
    expect(pluginJson.info.version).toBe(pkg.version);
    expect(pluginJson.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const logo of Object.values(pluginJson.info.logos) as string[]) {
      expect(existsSync(path.join(dist, logo))).toBe(true);
    }
  });
});
