import React from 'react';
import { SelectableValue } from '@grafana/data';
import { InlineField, InlineFieldRow, RadioButtonGroup } from '@grafana/ui';

import { isTemplateVariable } from '../../bounds';
import { HTTP_FORMATS, HttpFormat } from '../../types';
import { eventProblem } from '../../validateQuery';
import { TextField } from '../TextField';
import { FeedQuery, FeedQueryEditor, LABEL_WIDTH, pathTarget } from './FeedQueryParts';
import { QueryProps } from './types';

const FORMAT_LABELS: Readonly<Record<HttpFormat, string>> = { auto: 'Auto', sse: 'SSE', ndjson: 'NDJSON' };

const FORMAT_OPTIONS: Array<SelectableValue<HttpFormat>> = HTTP_FORMATS.map((value) => ({
  value,
  label: FORMAT_LABELS[value],
}));

/**
 * Edits one query of an HTTP stream data source: the path, how the response is read (Server-Sent
 * Events or NDJSON), the SSE event to keep, and the time field, fields and flush window every feed
 * has. Every committed change runs the query; what the backend would refuse is listed before it
 * runs.
 */
export function HttpQueryEditor(props: QueryProps) {
  return (
    <FeedQueryEditor
      {...props}
      source="http"
      target={pathTarget('/events?room=kitchen', "Each event's JSON is one row (an array of objects, several).")}
      streamingTooltip="Keep the panel live: events are pushed through Grafana Live as they arrive. Off, the query returns the recent history (what alert rules read)."
      what="event"
      rows={(feed) => <FormatAndEvent feed={feed} />}
    />
  );
}

/** How the response is read, and the Server-Sent Events event to keep. */
function FormatAndEvent({ feed }: { feed: FeedQuery }) {
  const format = feed.query.format;
  const formatVariable = typeof format === 'string' && isTemplateVariable(format);
  return (
    <InlineFieldRow>
      <InlineField
        label="Format"
        labelWidth={LABEL_WIDTH}
        tooltip="How the response is read. Auto: by its Content-Type (text/event-stream is Server-Sent Events, anything else one JSON value per line). SSE: Server-Sent Events, each event's data one JSON value. NDJSON: one JSON value per line."
      >
        <RadioButtonGroup<HttpFormat>
          options={FORMAT_OPTIONS}
          value={formatVariable ? undefined : ((format as HttpFormat | undefined) ?? 'auto')}
          onChange={(value) => feed.update({ format: value === 'auto' ? undefined : value })}
        />
      </InlineField>
      <TextField
        id={feed.id('event')}
        label="Event"
        labelWidth={10}
        width={24}
        tooltip="Server-Sent Events only: keep the events of this name (the event: line; message when there is none). Empty keeps every event."
        placeholder="every event"
        value={feed.query.event}
        validate={(text) => eventProblem(text, isTemplateVariable)}
        onCommit={(event) => feed.update({ event })}
      />
    </InlineFieldRow>
  );
}
