import React from 'react';

import { filterProblem } from '../../mqtt/topic';
import { FeedQueryEditor } from './FeedQueryParts';
import { QueryProps } from './types';

/**
 * Edits one query of an MQTT data source: the topic, streaming, the payload's time field, the
 * fields to keep and the flush window. Every committed change runs the query; what the backend
 * would refuse is listed before it runs.
 */
export function MqttQueryEditor(props: QueryProps) {
  return (
    <FeedQueryEditor
      {...props}
      source="mqtt"
      target={{
        field: 'topic',
        label: 'Topic',
        tooltip:
          'An MQTT topic, or a filter: + matches one whole level, # every level below (last only). Template variables are replaced; one with several values selected runs one query per value.',
        placeholder: 'plant/+/temp',
        problem: (text) => filterProblem(text, { allowVariables: true }),
      }}
      streamingTooltip="Keep the panel live: messages are pushed through Grafana Live as they arrive. Off, the query returns the recent history, one frame per topic (what alert rules read)."
      what="message"
    />
  );
}
