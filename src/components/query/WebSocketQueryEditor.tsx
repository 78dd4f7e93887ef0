import React, { useState } from 'react';
import { InlineField, InlineFieldRow, TextArea } from '@grafana/ui';

import { isTemplateVariable } from '../../bounds';
import { subscribeMessageProblem } from '../../validateQuery';
import { FeedQuery, FeedQueryEditor, LABEL_WIDTH, pathTarget } from './FeedQueryParts';
import { QueryProps } from './types';

/** Why a subscribe message would be refused, or undefined; a variable's length is checked once replaced. */
const messageProblem = (text: string) => subscribeMessageProblem(text, isTemplateVariable);

/**
 * Edits one query of a WebSocket data source: the path, the message sent after each connect, and
 * the time field, fields and flush window every feed has. Every committed change runs the query;
 * what the backend would refuse is listed before it runs.
 */
export function WebSocketQueryEditor(props: QueryProps) {
  return (
    <FeedQueryEditor
      {...props}
      source="websocket"
      target={pathTarget('/ws?symbols=btc', "Each message's JSON is one row (an array of objects, several).")}
      streamingTooltip="Keep the panel live: messages are pushed through Grafana Live as they arrive. Off, the query returns the recent history (what alert rules read)."
      what="message"
      rows={(feed) => <SubscribeMessage feed={feed} />}
    />
  );
}

/** The message sent after each connect: committed on blur, as a text field is. */
function SubscribeMessage({ feed }: { feed: FeedQuery }) {
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
  );
}
