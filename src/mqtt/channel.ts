import { feedChannelLength, feedChannelPath } from '../feed/channel';

/** What an MQTT query's channel is made of, with its variables replaced. */
export interface ChannelQuery {
  topic: string;
  timeField?: string;
  fields?: readonly string[];
  flushMs?: number;
}

/**
 * The channel path the backend gives a streaming MQTT query (docs/mqtt.md, "Channel paths"):
 * `mqtt/v1/<flushMs>/<base64url of topic NUL timeField [NUL field]…>`, without padding. MQTT has
 * no params, so this is the feeds' path with the topic as target.
 */
export function mqttChannelPath(q: ChannelQuery): string {
  return feedChannelPath('mqtt', { ...q, target: q.topic });
}

/** The length of the whole channel, `ds/<uid>/<path>`, which Grafana Live bounds to 160. */
export function mqttChannelLength(uid: string, q: ChannelQuery): number {
  return feedChannelLength(uid, 'mqtt', { ...q, target: q.topic });
}
