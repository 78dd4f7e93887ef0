import React, { ReactNode } from 'react';
import { Alert, Button, InlineField, InlineFieldRow, InlineSwitch, Stack, Text } from '@grafana/ui';

import { isTemplateVariable } from '../../bounds';
import { pathProblem } from '../../http/path';
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
function feedQuery(source: FeedSourceName, { query, onChange, onRunQuery }: QueryProps): FeedQuery {
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
function StreamingSwitch({ feed, source, tooltip }: { feed: FeedQuery; source: FeedSourceName; tooltip: string }) {
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

/** The time field, and the flush window while streaming; `what` is one item the feed reads. */
function TimeAndFlush({ feed, what }: { feed: FeedQuery; what: string }) {
  return (
    <InlineFieldRow>
      <TextField
        id={feed.id('timeField')}
        label="Time field"
        labelWidth={LABEL_WIDTH}
        width={30}
        tooltip={`The path of each row's time in its payload (gjson syntax: ts, meta.time): epoch seconds to nanoseconds, or RFC 3339 text. Empty: the time Pulse received the ${what}.`}
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
function FieldsRow({ feed }: { feed: FeedQuery }) {
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
function FeedQueryFrame({
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

/** The query field that names what a feed reads: a topic, a path or a subject. */
export interface FeedTarget {
  field: 'topic' | 'path' | 'subject';
  label: string;
  tooltip: string;
  placeholder: string;
  /** Why a non-empty text would be refused, template variables allowed; or undefined. */
  problem: (text: string) => string | undefined;
}

/** The path the HTTP and WebSocket editors read; `rows` says what one row of the feed is. */
export function pathTarget(example: string, rows: string): FeedTarget {
  return {
    field: 'path',
    label: 'Path',
    tooltip: `The path to read under the data source's URL, with an optional ?query: ${example}. It cannot name another host or climb above the URL with "..". ${rows} Template variables are replaced; one with several values selected runs one query per value.`,
    placeholder: example,
    problem: (text) => pathProblem(text, { allowVariables: true }),
  };
}

interface FeedEditorProps extends QueryProps {
  source: FeedSourceName;
  target: FeedTarget;
  /** The "With streaming" switch's tooltip. */
  streamingTooltip: string;
  /** One item the feed reads, in the time field's and flush window's tooltips: "message", "event". */
  what: string;
  /** The source's own rows, between the target and the time field. */
  rows?: (feed: FeedQuery) => ReactNode;
}

/**
 * A feed source's query editor: the target and the streaming switch, the source's own rows, the
 * time field and flush window, and the fields to keep, in the frame that lists foreign fields and
 * what the backend would refuse. Every committed change runs the query.
 */
export function FeedQueryEditor({ source, target, streamingTooltip, what, rows, ...props }: FeedEditorProps) {
  const feed = feedQuery(source, props);
  return (
    <FeedQueryFrame source={source} feed={feed} datasource={props.datasource}>
      <InlineFieldRow>
        <TextField
          id={feed.id(target.field)}
          label={target.label}
          labelWidth={LABEL_WIDTH}
          width={56}
          tooltip={target.tooltip}
          placeholder={target.placeholder}
          value={feed.query[target.field]}
          validate={(text) => (text === '' ? undefined : target.problem(text))}
          onCommit={(value) => feed.update({ [target.field]: value })}
        />
        <StreamingSwitch feed={feed} source={source} tooltip={streamingTooltip} />
      </InlineFieldRow>
      {rows?.(feed)}
      <TimeAndFlush feed={feed} what={what} />
      <FieldsRow feed={feed} />
    </FeedQueryFrame>
  );
}
