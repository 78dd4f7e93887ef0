import React, { ReactNode } from 'react';
import { Alert, Button, InlineField, InlineFieldRow, InlineSwitch, Stack, Text } from '@grafana/ui';

import { isTemplateVariable } from '../../bounds';
import { SOURCE_LABELS } from '../../sources';
import { FeedSourceName, MQTT_LIMITS, MQTT_QUERY_BOUNDS, PulseQuery } from '../../types';
import { foreignFields, validateQuery } from '../../validateQuery';
import { NumberField, NumberFieldValue } from '../NumberField';
import { StringListEditor } from '../StringListEditor';
import { TextField } from '../TextField';
import { QueryProps } from './types';

// The parts every feed source's query editor shares: streaming, the time field and flush window,
// the fields to keep, and the notices about foreign fields and what the backend would refuse.

export const LABEL_WIDTH = 14;

/** The helpers a feed query editor writes its query with. */
export interface FeedQuery {
  query: PulseQuery;
  /** Merges patch into the query (a key set to undefined is dropped) and runs it. */
  update: (patch: Partial<PulseQuery>) => void;
  /** An input's id: `pulse-<source>-<field>-<refId>`, unique per query row. */
  id: (field: string) => string;
  streaming: boolean;
}

/** The helpers over a query editor's props, for the feed source `source`. */
export function feedQuery(source: FeedSourceName, { query, onChange, onRunQuery }: QueryProps): FeedQuery {
  const update = (patch: Partial<PulseQuery>) => {
    const next: PulseQuery = { ...query, ...patch };
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) {
        delete next[key as keyof PulseQuery];
      }
    }
    onChange(next);
    onRunQuery();
  };
  const id = (field: string) => `pulse-${source}-${field}-${query.refId.replace(/[^\w-]/g, '_')}`;
  return { query, update, id, streaming: query.withStreaming === true };
}

/** The "With streaming" switch. */
export function StreamingSwitch({
  feed,
  source,
  tooltip,
}: {
  feed: FeedQuery;
  source: FeedSourceName;
  tooltip: string;
}) {
  return (
    <InlineField label="With streaming" htmlFor={feed.id('withStreaming')} tooltip={tooltip}>
      <InlineSwitch
        id={feed.id('withStreaming')}
        data-testid={`pulse-${source}-withStreaming`}
        aria-label="With streaming"
        value={feed.streaming}
        onChange={(e) => feed.update({ withStreaming: e.currentTarget.checked })}
      />
    </InlineField>
  );
}

/** The time field, and the flush window while streaming. */
export function TimeAndFlush({ feed, arrival, what }: { feed: FeedQuery; arrival: string; what: string }) {
  return (
    <InlineFieldRow>
      <TextField
        id={feed.id('timeField')}
        label="Time field"
        labelWidth={LABEL_WIDTH}
        width={30}
        tooltip={`The path of each row's time in its payload (gjson syntax: ts, meta.time): epoch seconds to nanoseconds, or RFC 3339 text. Empty: ${arrival}.`}
        placeholder="arrival time"
        value={feed.query.timeField}
        onCommit={(timeField) => feed.update({ timeField })}
      />
      {feed.streaming && (
        <NumberField
          id={feed.id('flushMs')}
          label="Flush (ms)"
          tooltip={`The longest a new ${what} waits before it is pushed: ${what}s within one window go out together.`}
          bounds={MQTT_QUERY_BOUNDS.flushMs}
          value={feed.query.flushMs}
          allowVariables
          onCommit={(value: NumberFieldValue) => feed.update({ flushMs: value })}
        />
      )}
    </InlineFieldRow>
  );
}

/** The gjson paths of the values to keep; none keeps every field. */
export function FieldsRow({ feed }: { feed: FeedQuery }) {
  return (
    <InlineFieldRow>
      <InlineField
        label="Fields"
        labelWidth={LABEL_WIDTH}
        tooltip="The values to keep, as gjson paths (celsius, sensor.temp, readings.0); a path keeps everything below it. None keeps every field."
      >
        <Stack direction="column" gap={0.5}>
          {(feed.query.fields ?? []).length === 0 && (
            <Text color="secondary" italic>
              Every field
            </Text>
          )}
          <StringListEditor
            id={feed.id('fields')}
            itemLabel="Field"
            addLabel="Add field"
            placeholder="celsius"
            width={40}
            values={feed.query.fields}
            validate={(path) =>
              !isTemplateVariable(path) && new TextEncoder().encode(path).length > MQTT_LIMITS.pathBytes
                ? `at most ${MQTT_LIMITS.pathBytes.toLocaleString('en-US')} bytes`
                : undefined
            }
            onCommit={(fields) => feed.update({ fields: fields.length > 0 ? fields : undefined })}
          />
        </Stack>
      </InlineField>
    </InlineFieldRow>
  );
}

/**
 * A feed query editor's frame: its rows, then the fields another source's editor left (with a
 * button to remove them) and what the backend would refuse, listed before the query runs.
 */
export function FeedQueryFrame({
  source,
  feed,
  datasource,
  children,
}: {
  source: FeedSourceName;
  feed: FeedQuery;
  datasource: QueryProps['datasource'];
  children: ReactNode;
}) {
  const problems = validateQuery(feed.query, { ...datasource.validation, allowVariables: true });
  const foreign = foreignFields(feed.query, source);
  return (
    <div data-testid={`pulse-query-${source}`}>
      {children}
      {foreign.length > 0 && (
        <Alert
          severity="warning"
          title={`Fields the ${SOURCE_LABELS[source].label} source ignores`}
          data-testid="pulse-query-foreign"
        >
          <Stack direction="row" gap={1} alignItems="center">
            <span>
              This query also carries {foreign.join(', ')}, from another source&apos;s editor; the backend ignores them
              with a warning.
            </span>
            <Button
              size="sm"
              variant="secondary"
              onClick={() => feed.update(Object.fromEntries(foreign.map((f) => [f, undefined])))}
            >
              Remove them
            </Button>
          </Stack>
        </Alert>
      )}
      {problems.length > 0 && (
        <Alert severity="error" title="The backend will refuse this query" data-testid="pulse-query-problems">
          {problems.join('; ')}
        </Alert>
      )}
    </div>
  );
}
