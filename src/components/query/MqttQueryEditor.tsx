import React from 'react';
import { Alert, Button, InlineField, InlineFieldRow, InlineSwitch, Stack, Text } from '@grafana/ui';

import { isTemplateVariable } from '../../bounds';
import { filterProblem } from '../../mqtt/topic';
import { MQTT_LIMITS, MQTT_QUERY_BOUNDS, PulseQuery } from '../../types';
import { foreignFields, validateQuery } from '../../validateQuery';
import { NumberField, NumberFieldValue } from '../NumberField';
import { StringListEditor } from '../StringListEditor';
import { TextField } from '../TextField';
import { QueryProps } from './types';

const LABEL_WIDTH = 14;

/**
 * Edits one query of an MQTT data source: the topic, streaming, the payload's time field, the
 * fields to keep and the flush window. Every committed change runs the query; what the backend
 * would refuse is listed before it runs.
 */
export function MqttQueryEditor({ query, onChange, onRunQuery, datasource }: QueryProps) {
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
  const id = (field: string) => `pulse-mqtt-${field}-${query.refId.replace(/[^\w-]/g, '_')}`;
  const streaming = query.withStreaming === true;
  const problems = validateQuery(query, { ...datasource.validation, allowVariables: true });
  const foreign = foreignFields(query, 'mqtt');

  return (
    <div data-testid="pulse-query-mqtt">
      <InlineFieldRow>
        <TextField
          id={id('topic')}
          label="Topic"
          labelWidth={LABEL_WIDTH}
          width={56}
          tooltip="An MQTT topic, or a filter: + matches one whole level, # every level below (last only). Template variables are replaced; one with several values selected runs one query per value."
          placeholder="plant/+/temp"
          value={query.topic}
          validate={(text) => (text === '' ? undefined : filterProblem(text, { allowVariables: true }))}
          onCommit={(topic) => update({ topic })}
        />
        <InlineField
          label="With streaming"
          htmlFor={id('withStreaming')}
          tooltip="Keep the panel live: messages are pushed through Grafana Live as they arrive. Off, the query returns the recent history, one frame per topic (what alert rules read)."
        >
          <InlineSwitch
            id={id('withStreaming')}
            data-testid="pulse-mqtt-withStreaming"
            aria-label="With streaming"
            value={streaming}
            onChange={(e) => update({ withStreaming: e.currentTarget.checked })}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <TextField
          id={id('timeField')}
          label="Time field"
          labelWidth={LABEL_WIDTH}
          width={30}
          tooltip="The path of each row's time in its payload (gjson syntax: ts, meta.time): epoch seconds to nanoseconds, or RFC 3339 text. Empty: the time Pulse received the message."
          placeholder="arrival time"
          value={query.timeField}
          onCommit={(timeField) => update({ timeField })}
        />
        {streaming && (
          <NumberField
            id={id('flushMs')}
            label="Flush (ms)"
            tooltip="The longest a new message waits before it is pushed: messages within one window go out together."
            bounds={MQTT_QUERY_BOUNDS.flushMs}
            value={query.flushMs}
            allowVariables
            onCommit={(value: NumberFieldValue) => update({ flushMs: value })}
          />
        )}
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField
          label="Fields"
          labelWidth={LABEL_WIDTH}
          tooltip="The values to keep, as gjson paths (celsius, sensor.temp, readings.0); a path keeps everything below it. None keeps every field."
        >
          <Stack direction="column" gap={0.5}>
            {(query.fields ?? []).length === 0 && (
              <Text color="secondary" italic>
                Every field
              </Text>
            )}
            <StringListEditor
              id={id('fields')}
              itemLabel="Field"
              addLabel="Add field"
              placeholder="celsius"
              width={40}
              values={query.fields}
              validate={(path) =>
                !isTemplateVariable(path) && new TextEncoder().encode(path).length > MQTT_LIMITS.pathBytes
                  ? `at most ${MQTT_LIMITS.pathBytes.toLocaleString('en-US')} bytes`
                  : undefined
              }
              onCommit={(fields) => update({ fields: fields.length > 0 ? fields : undefined })}
            />
          </Stack>
        </InlineField>
      </InlineFieldRow>
      {foreign.length > 0 && (
        <Alert severity="warning" title="Fields the MQTT source ignores" data-testid="pulse-query-foreign">
          <Stack direction="row" gap={1} alignItems="center">
            <span>
              This query also carries {foreign.join(', ')}, from another source&apos;s editor; the backend ignores them
              with a warning.
            </span>
            <Button
              size="sm"
              variant="secondary"
              onClick={() => update(Object.fromEntries(foreign.map((f) => [f, undefined])))}
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
