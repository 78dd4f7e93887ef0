import React from 'react';
import { InlineFieldRow } from '@grafana/ui';

import { filterProblem } from '../../mqtt/topic';
import { TextField } from '../TextField';
import { FeedQueryFrame, feedQuery, FieldsRow, LABEL_WIDTH, StreamingSwitch, TimeAndFlush } from './FeedQueryParts';
import { QueryProps } from './types';

/**
 * Edits one query of an MQTT data source: the topic, streaming, the payload's time field, the
 * fields to keep and the flush window. Every committed change runs the query; what the backend
 * would refuse is listed before it runs.
 */
export function MqttQueryEditor(props: QueryProps) {
  const feed = feedQuery('mqtt', props);
  return (
    <FeedQueryFrame source="mqtt" feed={feed} datasource={props.datasource}>
      <InlineFieldRow>
        <TextField
          id={feed.id('topic')}
          label="Topic"
          labelWidth={LABEL_WIDTH}
          width={56}
          tooltip="An MQTT topic, or a filter: + matches one whole level, # every level below (last only). Template variables are replaced; one with several values selected runs one query per value."
          placeholder="plant/+/temp"
          value={feed.query.topic}
          validate={(text) => (text === '' ? undefined : filterProblem(text, { allowVariables: true }))}
          onCommit={(topic) => feed.update({ topic })}
        />
        <StreamingSwitch
          feed={feed}
          source="mqtt"
          tooltip="Keep the panel live: messages are pushed through Grafana Live as they arrive. Off, the query returns the recent history, one frame per topic (what alert rules read)."
        />
      </InlineFieldRow>
      <TimeAndFlush feed={feed} arrival="the time Pulse received the message" what="message" />
      <FieldsRow feed={feed} />
    </FeedQueryFrame>
  );
}
