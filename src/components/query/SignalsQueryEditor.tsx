import React from 'react';
import { SelectableValue } from '@grafana/data';
import { Alert, InlineField, InlineFieldRow, InlineSwitch, RadioButtonGroup } from '@grafana/ui';

import { DEFAULT_QUERY, NumericQueryField, PERIODIC_KINDS, PulseQuery, SignalKind } from '../../types';
import { validateQuery } from '../../validateQuery';
import { NumberField, NumberFieldValue } from '../NumberField';
import { QueryProps } from './types';

const KIND_OPTIONS: Array<SelectableValue<SignalKind>> = [
  { value: 'randomWalk', label: 'Random walk' },
  { value: 'sine', label: 'Sine' },
  { value: 'square', label: 'Square' },
  { value: 'sawtooth', label: 'Sawtooth' },
  { value: 'counter', label: 'Counter' },
];

const NUMBER_FIELDS: Array<{ field: NumericQueryField; label: string; tooltip: string }> = [
  { field: 'stepMs', label: 'Step (ms)', tooltip: 'Milliseconds between two points.' },
  { field: 'periodMs', label: 'Period (ms)', tooltip: 'Length of one cycle of the sine, square and sawtooth.' },
  { field: 'seriesCount', label: 'Series', tooltip: 'How many series the query returns.' },
  {
    field: 'amplitude',
    label: 'Amplitude',
    tooltip:
      'Peak deviation from the offset; for a random walk the size of a step, for a counter its increase per point.',
  },
  { field: 'offset', label: 'Offset', tooltip: 'The value the signal moves around.' },
  { field: 'seed', label: 'Seed', tooltip: 'Picks another random walk and shifts the phase of the periodic kinds.' },
  {
    field: 'flushMs',
    label: 'Flush (ms)',
    tooltip: 'The longest a new point waits before it is pushed: points due within one window go out together.',
  },
];

/** Edits one query of the generated signals; every committed change runs the query. */
export function SignalsQueryEditor({ query, onChange, onRunQuery, datasource }: QueryProps) {
  const update = (patch: Partial<PulseQuery>) => {
    onChange({ ...query, ...patch });
    onRunQuery();
  };
  const kind = query.kind ?? DEFAULT_QUERY.kind;
  const periodic = PERIODIC_KINDS.some((k) => k === kind);
  const problems = validateQuery(query, { ...datasource.validation, allowVariables: true });
  const numberField = ({ field, label, tooltip }: (typeof NUMBER_FIELDS)[number]) => (
    <NumberField
      key={field}
      id={`pulse-${field}`}
      label={label}
      tooltip={tooltip}
      bounds={datasource.bounds[field]}
      value={query[field]}
      allowVariables
      onCommit={(value: NumberFieldValue) => update({ [field]: value })}
    />
  );

  return (
    <div data-testid="pulse-query-signals">
      <InlineFieldRow>
        <InlineField label="Kind" labelWidth={14} tooltip="The shape of the signal.">
          <RadioButtonGroup<SignalKind>
            options={KIND_OPTIONS}
            value={kind as SignalKind}
            onChange={(value) => update({ kind: value })}
          />
        </InlineField>
        <InlineField
          label="With streaming"
          htmlFor="pulse-withStreaming"
          tooltip="Keep the panel live: new points are pushed through Grafana Live as they are due."
        >
          <InlineSwitch
            id="pulse-withStreaming"
            data-testid="pulse-withStreaming"
            aria-label="With streaming"
            value={query.withStreaming === true}
            onChange={(e) => update({ withStreaming: e.currentTarget.checked })}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        {NUMBER_FIELDS.slice(0, 3)
          .filter(({ field }) => periodic || field !== 'periodMs')
          .map(numberField)}
      </InlineFieldRow>
      <InlineFieldRow>
        {NUMBER_FIELDS.slice(3)
          .filter(({ field }) => query.withStreaming === true || field !== 'flushMs')
          .map(numberField)}
      </InlineFieldRow>
      {problems.length > 0 && (
        <Alert severity="error" title="The backend will refuse this query" data-testid="pulse-query-problems">
          {problems.join('; ')}
        </Alert>
      )}
    </div>
  );
}
