import React from 'react';

import { subjectProblem } from '../../nats/subject';
import { FeedQueryEditor } from './FeedQueryParts';
import { QueryProps } from './types';

/**
 * Edits one query of a NATS data source: the subject, streaming, and the time field, fields and
 * flush window every feed has. Every committed change runs the query; what the backend would
 * refuse is listed before it runs.
 */
export function NatsQueryEditor(props: QueryProps) {
  return (
    <FeedQueryEditor
      {...props}
      source="nats"
      target={{
        field: 'subject',
        label: 'Subject',
        tooltip:
          'A NATS subject, tokens separated by dots: * matches one token, > every token after it (last only). Each concrete subject is its own series, labelled subject=<subject>. When JetStream stores the subject, the history is filled from the stream first, so a new panel starts full. Template variables are replaced; one with several values selected runs one query per value.',
        placeholder: 'plant.*.temp',
        problem: (text) => subjectProblem(text, { allowVariables: true }),
      }}
      streamingTooltip="Keep the panel live: messages are pushed through Grafana Live as they arrive. Off, the query returns the recent history, one frame per subject (what alert rules read)."
      what="message"
    />
  );
}
