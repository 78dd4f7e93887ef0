import { ComponentType } from 'react';

import { SourceName } from '../../types';
import { HttpQueryEditor } from './HttpQueryEditor';
import { MqttQueryEditor } from './MqttQueryEditor';
import { NatsQueryEditor } from './NatsQueryEditor';
import { SignalsQueryEditor } from './SignalsQueryEditor';
import { QueryProps } from './types';
import { WebSocketQueryEditor } from './WebSocketQueryEditor';

/** Each source's query editor. A new source adds its editor's file and one entry here. */
export const QUERY_EDITORS: Readonly<Record<SourceName, ComponentType<QueryProps>>> = {
  signals: SignalsQueryEditor,
  mqtt: MqttQueryEditor,
  http: HttpQueryEditor,
  websocket: WebSocketQueryEditor,
  nats: NatsQueryEditor,
};
