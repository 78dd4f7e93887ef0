import React, { useMemo, useState } from 'react';
import { createTheme, ThemeContext } from '@grafana/data';
import { GlobalStyles } from '@grafana/ui';

import { ConfigEditor } from '../../src/components/ConfigEditor';
import { QueryEditor } from '../../src/components/QueryEditor';
import { DataSource } from '../../src/datasource';
import { dataSourceSettings, instanceSettings } from '../../src/testing/fixtures';
import { DEFAULT_QUERY, PulseQuery } from '../../src/types';

/**
 * Both editors as Grafana wires them: the query editor gets a data source built from the settings
 * the config editor emits, and whatever either emits is shown for the check to read.
 */
export function Harness() {
  const theme = useMemo(() => createTheme({ colors: { mode: 'dark' } }), []);
  const [options, setOptions] = useState(() => dataSourceSettings());
  const [query, setQuery] = useState<PulseQuery>({ refId: 'A', ...DEFAULT_QUERY });
  const [runs, setRuns] = useState(0);
  const datasource = useMemo(() => new DataSource(instanceSettings(options.jsonData)), [options.jsonData]);

  return (
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <main style={{ padding: 16, display: 'grid', gap: 24, maxWidth: 1100 }}>
        <section>
          <h3>Data source settings</h3>
          <ConfigEditor options={options} onOptionsChange={setOptions} />
        </section>
        <section>
          <h3>Query A</h3>
          <QueryEditor
            query={query}
            datasource={datasource}
            onChange={setQuery}
            onRunQuery={() => setRuns((n) => n + 1)}
          />
        </section>
        <section>
          <h3>Last emitted</h3>
          <pre data-testid="emitted-query">{JSON.stringify(query)}</pre>
          <pre data-testid="emitted-options">{JSON.stringify(options.jsonData)}</pre>
          <p>
            Query runs: <output data-testid="run-count">{runs}</output>
          </p>
        </section>
      </main>
    </ThemeContext.Provider>
  );
}
