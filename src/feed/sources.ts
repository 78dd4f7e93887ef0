import { FEED_SOURCE_NAMES, FeedSourceName, PulseQuery } from '../types';

/** The query fields that name what a feed query reads. */
export type TargetField = 'topic' | 'path' | 'subject';

/** A feed source's own query fields beyond the target, timeField and fields. */
export type ParamField = 'format' | 'event' | 'subscribeMessage';

/** How a feed source's queries are shaped. */
export interface FeedSpec {
  /** The query field the source subscribes to. */
  target: TargetField;
  /** The source's params, in the order the backend encodes them into the channel path. */
  params: readonly ParamField[];
  /** The value each param has when empty: the backend writes a param spelled out as its default empty. */
  defaults?: Readonly<Partial<Record<ParamField, string>>>;
}

/** Each feed source's target and params, as the backend reads them. */
export const FEEDS: Readonly<Record<FeedSourceName, FeedSpec>> = {
  mqtt: { target: 'topic', params: [] },
  http: { target: 'path', params: ['format', 'event'], defaults: { format: 'auto' } },
  websocket: { target: 'path', params: ['subscribeMessage'] },
  nats: { target: 'subject', params: [] },
};

/** Whether source is one of the feeds (everything but the generated signals). */
export function isFeedSource(source: string): source is FeedSourceName {
  return FEED_SOURCE_NAMES.some((s) => s === source);
}

/** The query's target of a feed source, or undefined when it is not text. */
export function targetOf(source: FeedSourceName, query: PulseQuery): string | undefined {
  const value: unknown = query[FEEDS[source].target];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The query's params of a feed source, in order, as the backend writes them into the channel path:
 * empty text for one unset, not text, or spelled out as its default (`format` `auto`).
 */
export function paramsOf(source: FeedSourceName, query: PulseQuery): string[] {
  const { params, defaults } = FEEDS[source];
  return params.map((p) => {
    const value: unknown = query[p];
    return typeof value === 'string' && value !== defaults?.[p] ? value : '';
  });
}
