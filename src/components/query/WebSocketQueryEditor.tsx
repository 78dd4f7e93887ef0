import React, { useState } from 'react';
import { InlineField, InlineFieldRow, TextArea } from '@grafana/ui';

import { isTemplateVariable } from '../../bounds';
import { subscribeMessageProblem } from '../../validateQuery';
import { FeedQueryFrame, feedQuery, FieldsRow, LABEL_WIDTH, StreamingSwitch, TimeAndFlush } from './FeedQueryParts';
import { PathField } from './HttpQueryEditor';
import { QueryProps } from './types';

/** Why a subscribe message would be refused, or undefined; a variable's length is checked once replaced. */
const messageProblem = (text: string) => subscribeMessageProblem(text, isTemplateVariable);

/**
 * Edits one query of a WebSocket data source: the path, the message sent after each connect, and
 * the time field, fields and flush window every feed has. Every committed change runs the query;
 * what the backend would refuse is listed before it runs.
 */
export function WebSocketQueryEditor(props: QueryProps) {
  const feed = feedQuery('websocket', props);
  const value = feed.query.subscribeMessage;
  const [draft, setDraft] = useState(value ?? '');
  const [shown, setShown] = useState(value);
  if (value !== shown) {
    setShown(value);
    setDraft(value ?? '');
  }
  const error = messageProblem(draft);
  const commit = () => {
    const next = draft === '' ? undefined : draft;
    if (next !== value) {
      feed.update({ subscribeMessage: next });
    }
  };

  return (
    <FeedQueryFrame source="websocket" feed={feed} datasource={props.datasource}>
      <InlineFieldRow>
        <PathField
          feed={feed}
          example="/ws?symbols=btc"
          rows="Each message's JSON is one row (an array of objects, several)."
        />
        <StreamingSwitch
          feed={feed}
          source="websocket"
          tooltip="Keep the panel live: messages are pushed through Grafana Live as they arrive. Off, the query returns the recent history (what alert rules read)."
        />
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField
          label="Subscribe message"
          labelWidth={LABEL_WIDTH + 6}
          htmlFor={feed.id('subscribeMessage')}
          tooltip="Text sent to the server after each connect and reconnect, for servers that wait for a subscribe request; usually JSON. Empty sends nothing. At most 16 KiB. Template variables are replaced."
          invalid={!!error}
          error={error}
          grow
        >
          <TextArea
            id={feed.id('subscribeMessage')}
            data-testid={feed.id('subscribeMessage')}
            rows={3}
            placeholder='{"op": "subscribe", "channel": "prices"}'
            value={draft}
            invalid={!!error}
            aria-invalid={!!error}
            onChange={(e) => setDraft(e.currentTarget.value)}
            onBlur={commit}
          />
        </InlineField>
      </InlineFieldRow>
      <TimeAndFlush feed={feed} arrival="the time Pulse received the message" what="message" />
      <FieldsRow feed={feed} />
    </FeedQueryFrame>
  );
}
