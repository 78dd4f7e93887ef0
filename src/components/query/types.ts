import { QueryEditorProps } from '@grafana/data';

import type { DataSource } from '../../datasource';
import { PulseOptions, PulseQuery } from '../../types';

/** What every source's query editor receives, as Grafana hands it. */
export type QueryProps = QueryEditorProps<DataSource, PulseQuery, PulseOptions>;
