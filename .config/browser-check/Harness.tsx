import React, { CSSProperties, ReactNode, useMemo, useState } from 'react';
import { CoreApp, createTheme, DataSourceSettings, ThemeContext } from '@grafana/data';
import { GlobalStyles } from '@grafana/ui';

import { ConfigEditor } from '../../src/components/ConfigEditor';
import { QueryEditor } from '../../src/components/QueryEditor';
import { DataSource } from '../../src/datasource';
import { sourceOf } from '../../src/sources';
import { dataSourceSettings, instanceSettings } from '../../src/testing/fixtures';
import { DEFAULT_QUERY, PulseOptions, PulseQuery, PulseSecureOptions } from '../../src/types';

type Settings = DataSourceSettings<PulseOptions, PulseSecureOptions>;

/** The width of the frames the check photographs, about a Grafana settings page's. */
const FRAME_WIDTH = 1100;

/**
 * Both editors as Grafana wires them: the query editor gets a data source built from the settings
 * the config editor emits, and whatever either emits is shown for the check to read. When the
 * settings name another source, the query starts again from that data source's default query, as
 * a new panel's would. Each editor sits alone in a frame (`frame-config`, `frame-query`) that the
 * check photographs without the page's headings.
 */
export function Harness() {
  const theme = useMemo(() => createTheme({ colors: { mode: 'dark' } }), []);
  const [options, setOptions] = useState<Settings>(() => dataSourceSettings());
  const [query, setQuery] = useState<PulseQuery>({ refId: 'A', ...DEFAULT_QUERY });
  const [runs, setRuns] = useState(0);
  const datasource = useMemo(() => new DataSource(instanceSettings(options.jsonData)), [options.jsonData]);

  const onOptionsChange = (next: Settings) => {
    if (sourceOf(next.jsonData) !== sourceOf(options.jsonData)) {
      const fresh = new DataSource(instanceSettings(next.jsonData));
      setQuery({ refId: 'A', ...fresh.getDefaultQuery(CoreApp.PanelEditor) });
    }
    setOptions(next);
  };
  const frame: CSSProperties = {
    width: FRAME_WIDTH,
    boxSizing: 'border-box',
    padding: theme.spacing(2),
    background: theme.colors.background.primary,
  };

  return (
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <main style={{ padding: 16, display: 'grid', gap: 24, maxWidth: FRAME_WIDTH + 32 }}>
        <Section title="Data source settings">
          <div data-testid="frame-config" style={frame}>
            <ConfigEditor options={options} onOptionsChange={onOptionsChange} />
          </div>
        </Section>
        <Section title="Query A">
          <div data-testid="frame-query" style={frame}>
            <QueryEditor
              query={query}
              datasource={datasource}
              onChange={setQuery}
              onRunQuery={() => setRuns((n) => n + 1)}
            />
          </div>
        </Section>
        <Section title="Last emitted">
          <pre data-testid="emitted-query">{JSON.stringify(query)}</pre>
          <pre data-testid="emitted-options">{JSON.stringify(options.jsonData)}</pre>
          {/* Which secrets are set or typed, never their values. */}
          <pre data-testid="emitted-secrets">
            {JSON.stringify({
              typed: Object.keys(options.secureJsonData ?? {}).sort(),
              configured: options.secureJsonFields,
            })}
          </pre>
          <p>
            Query runs: <output data-testid="run-count">{runs}</output>
          </p>
        </Section>
      </main>
    </ThemeContext.Provider>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section>
      <h3>{title}</h3>
      {children}
    </section>
  );
}
