import React from 'react';
import { InlineFieldRow } from '@grafana/ui';

import { subjectProblem } from '../../nats/subject';
import { TextField } from '../TextField';
import { FeedQueryFrame, feedQuery, FieldsRow, LABEL_WIDTH, StreamingSwitch, TimeAndFlush } from './FeedQueryParts';
import { QueryProps } from './types';

/**
 * Edits one query of a NATS data source: the subject, streaming, and the time field, fields and
 * flush window every feed has. Every committed change runs the query; what the backend would
 * refuse is listed before it runs.
 */
export function NatsQueryEditor(props: QueryProps) {
  const feed = feedQuery('nats', props);
  return (
    <FeedQueryFrame source="nats" feed={feed} datasource={props.datasource}>
      <InlineFieldRow>
        <TextField
          id={feed.id('subject')}
          label="Subject"
          labelWidth={LABEL_WIDTH}
          width={56}
          tooltip="A NATS subject, tokens separated by dots: * matches one token, > every token after it (last only). Each concrete subject is its own series, labelled subject=<subject>. When JetStream stores the subject, the history is filled from the stream first, so a new panel starts full. Template variables are replaced; one with several values selected runs one query per value."
          placeholder="plant.*.temp"
          value={feed.query.subject}
          validate={(text) => (text === '' ? undefined : subjectProblem(text, { allowVariables: true }))}
          onCommit={(subject) => feed.update({ subject })}
        />
        <StreamingSwitch
          feed={feed}
          source="nats"
          tooltip="Keep the panel live: messages are pushed through Grafana Live as they arrive. Off, the query returns the recent history, one frame per subject (what alert rules read)."
        />
      </InlineFieldRow>
      <TimeAndFlush feed={feed} arrival="the time Pulse received the message" what="message" />
      <FieldsRow feed={feed} />
    </FeedQueryFrame>
  );
}
