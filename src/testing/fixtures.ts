import { DataSourceInstanceSettings, DataSourceSettings, PluginType } from '@grafana/data';

import { PulseOptions, PulseSecureOptions, SecureField } from '../types';

// Settings objects as Grafana hands them to the plugin, for tests and the browser check.

const meta = {
  id: 'pulse-streaming-datasource',
  name: 'Pulse',
  type: PluginType.datasource,
  module: 'public/plugins/pulse-streaming-datasource/module.js',
  baseUrl: 'public/plugins/pulse-streaming-datasource',
  info: {
    author: { name: 'Pulse' },
    description: '',
    links: [],
    logos: { small: '', large: '' },
    screenshots: [],
    updated: '',
    version: '',
  },
};

/** What the DataSource constructor receives. */
export function instanceSettings(jsonData: PulseOptions = {}): DataSourceInstanceSettings<PulseOptions> {
  return {
    id: 1,
    uid: 'pulse-uid',
    type: meta.id,
    name: 'Pulse',
    meta,
    readOnly: false,
    access: 'proxy',
    jsonData,
  };
}

/** What the config editor receives; `configured` lists the secrets Grafana says are set. */
export function dataSourceSettings(
  jsonData: PulseOptions = {},
  configured: SecureField[] = []
): DataSourceSettings<PulseOptions, PulseSecureOptions> {
  return {
    id: 1,
    uid: 'pulse-uid',
    orgId: 1,
    name: 'Pulse',
    type: meta.id,
    typeName: 'Pulse',
    typeLogoUrl: '',
    access: 'proxy',
    url: '',
    user: '',
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    withCredentials: false,
    readOnly: false,
    secureJsonFields: Object.fromEntries(configured.map((field) => [field, true])),
    jsonData,
  };
}
