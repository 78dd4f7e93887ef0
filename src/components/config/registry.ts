import { ComponentType } from 'react';

import { SourceName } from '../../types';
import { HttpConfig, WebSocketConfig } from './HttpConfig';
import { MqttConfig } from './MqttConfig';
import { NatsConfig } from './NatsConfig';
import { SignalsConfig } from './SignalsConfig';
import { ConfigProps } from './types';

/** Each source's config editor. A new source adds its editor's file and one entry here. */
export const CONFIG_EDITORS: Readonly<Record<SourceName, ComponentType<ConfigProps>>> = {
  signals: SignalsConfig,
  mqtt: MqttConfig,
  http: HttpConfig,
  websocket: WebSocketConfig,
  nats: NatsConfig,
};
