import { DEFAULT_SOURCE, PulseOptions, SOURCE_NAMES, SourceName } from './types';

/**
 * The source a data source's settings name: `jsonData.source`, or the signals when it is absent.
 * A name this frontend does not know (a newer plugin's, or a typo) is returned as it is, so the
 * editors can say so; the backend refuses it with the known names.
 */
export function sourceOf(options?: PulseOptions): string {
  const source: unknown = options?.source;
  if (source == null) {
    return DEFAULT_SOURCE;
  }
  return typeof source === 'string' ? source : JSON.stringify(source);
}

/** Whether name is a source this frontend has editors for. */
export function isKnownSource(name: string): name is SourceName {
  return SOURCE_NAMES.some((s) => s === name);
}

/** How the editors name each source. */
export const SOURCE_LABELS: Readonly<Record<SourceName, { label: string; description: string }>> = {
  signals: {
    label: 'Signals',
    description: 'Generated signals: random walks, sines, square and sawtooth waves, counters.',
  },
  mqtt: {
    label: 'MQTT',
    description: 'The JSON messages of an MQTT broker’s topics.',
  },
  http: {
    label: 'HTTP stream',
    description: 'The JSON events of an HTTP endpoint that streams Server-Sent Events or newline-delimited JSON.',
  },
  websocket: {
    label: 'WebSocket',
    description: 'The JSON messages of a WebSocket endpoint.',
  },
  nats: {
    label: 'NATS',
    description: 'The JSON messages of NATS subjects, with the history JetStream stores.',
  },
};
