import { DataSourcePluginOptionsEditorProps } from '@grafana/data';

import { PulseOptions, PulseSecureOptions } from '../../types';

/** What every source's config editor receives: the data source's settings, as Grafana hands them. */
export type ConfigProps = DataSourcePluginOptionsEditorProps<PulseOptions, PulseSecureOptions>;
