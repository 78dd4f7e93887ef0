import { ComponentType } from 'react';

import { SourceName } from '../../types';
import { MqttQueryEditor } from './MqttQueryEditor';
import { SignalsQueryEditor } from './SignalsQueryEditor';
import { QueryProps } from './types';

/** Each source's query editor. A new source adds its editor's file and one entry here. */
export const QUERY_EDITORS: Readonly<Record<SourceName, ComponentType<QueryProps>>> = {
  signals: SignalsQueryEditor,
  mqtt: MqttQueryEditor,
};
