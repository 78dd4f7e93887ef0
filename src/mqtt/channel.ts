import { MQTT_QUERY_BOUNDS } from '../types';

/** What an MQTT query's channel is made of, with its variables replaced. */
export interface ChannelQuery {
  topic: string;
  timeField?: string;
  fields?: readonly string[];
  flushMs?: number;
}

/**
 * The channel path the backend gives a streaming MQTT query (docs/mqtt.md, "Channel paths"):
 * `mqtt/v1/<flushMs>/<base64url of topic NUL timeField [NUL field]…>`, without padding.
 */
export function mqttChannelPath(q: ChannelQuery): string {
  const joined = [q.topic, q.timeField ?? '', ...(q.fields ?? [])].join('\u0000');
  const flushMs = q.flushMs ?? MQTT_QUERY_BOUNDS.flushMs.default;
  return `mqtt/v1/${flushMs}/${base64url(new TextEncoder().encode(joined))}`;
}

/** The length of the whole channel, `ds/<uid>/<path>`, which Grafana Live bounds to 160. */
export function mqttChannelLength(uid: string, q: ChannelQuery): number {
  return `ds/${uid}/`.length + mqttChannelPath(q).length;
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) {
    binary += String.fromCharCode(b);
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
