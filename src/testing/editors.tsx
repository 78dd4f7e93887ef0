import React, { useState } from 'react';
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DataSourceSettings } from '@grafana/data';

import { ConfigEditor } from '../components/ConfigEditor';
import { QueryEditor } from '../components/QueryEditor';
import { DataSource } from '../datasource';
import { PulseOptions, PulseQuery, PulseSecureOptions, SecureField } from '../types';
import { dataSourceSettings, instanceSettings } from './fixtures';

// The editors rendered as Grafana renders them, for specs: each change is handed back as the
// editor's new props, and every call is recorded.

export type Settings = DataSourceSettings<PulseOptions, PulseSecureOptions>;

/** The last argument a mock was called with. */
const lastCall = <T,>(mock: jest.Mock): T => mock.mock.calls[mock.mock.calls.length - 1][0];

/** The config editor over these settings; `configured` lists the secrets Grafana says are set. */
export function renderConfigEditor(jsonData: PulseOptions, configured: SecureField[] = []) {
  const onOptionsChange = jest.fn();
  const options = dataSourceSettings(jsonData, configured);
  function Live() {
    const [current, setCurrent] = useState(options);
    const onChange = (next: Settings) => {
      onOptionsChange(next);
      setCurrent(next);
    };
    return <ConfigEditor options={current} onOptionsChange={onChange} />;
  }
  render(<Live />);
  const last = (): Settings => lastCall(onOptionsChange);
  return { onOptionsChange, options, last, user: userEvent.setup() };
}

/** The query editor of a data source with these settings (and uid), over a query with these fields. */
export function renderQueryEditor(jsonData: PulseOptions, fields: Partial<PulseQuery> = {}, uid?: string) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  const settings = instanceSettings(jsonData);
  const datasource = new DataSource(uid ? { ...settings, uid } : settings);
  const query: PulseQuery = { refId: 'A', ...fields };
  function Live() {
    const [current, setCurrent] = useState(query);
    const change = (next: PulseQuery) => {
      onChange(next);
      setCurrent(next);
    };
    return <QueryEditor query={current} datasource={datasource} onChange={change} onRunQuery={onRunQuery} />;
  }
  render(<Live />);
  const last = (): PulseQuery => lastCall(onChange);
  return { onChange, onRunQuery, last, user: userEvent.setup() };
}
