import React from 'react';
import { FieldSet } from '@grafana/ui';

import { OPTION_BOUNDS, OptionField, PulseOptions } from '../../types';
import { NumberField, NumberFieldValue } from '../NumberField';
import { ConfigProps } from './types';

/** The generated signals' settings: the limits the backend enforces on queries and streams. */
export function SignalsConfig({ options, onOptionsChange }: ConfigProps) {
  const set = (field: OptionField) => (value: NumberFieldValue) => {
    // Settings take no variables; a cleared field is dropped so the backend's default applies.
    const jsonData: PulseOptions = { ...options.jsonData };
    if (typeof value === 'number') {
      jsonData[field] = value;
    } else {
      delete jsonData[field];
    }
    onOptionsChange({ ...options, jsonData });
  };

  return (
    <FieldSet label="Limits" data-testid="pulse-config-signals">
      <NumberField
        id="pulse-minStepMs"
        label="Minimum step (ms)"
        labelWidth={22}
        tooltip="The smallest step a query may ask for; queries and streams below it are refused. Raise it to bound the load one panel can cause."
        bounds={OPTION_BOUNDS.minStepMs}
        value={options.jsonData.minStepMs}
        onCommit={set('minStepMs')}
      />
      <NumberField
        id="pulse-maxSeries"
        label="Maximum series"
        labelWidth={22}
        tooltip="The most series one query may return; queries asking for more are refused."
        bounds={OPTION_BOUNDS.maxSeries}
        value={options.jsonData.maxSeries}
        onCommit={set('maxSeries')}
      />
      <NumberField
        id="pulse-maxStreams"
        label="Maximum streams"
        labelWidth={22}
        tooltip="The most channels this data source streams at once (panels with the same streaming query share one); a viewer of a channel beyond it is refused."
        bounds={OPTION_BOUNDS.maxStreams}
        value={options.jsonData.maxStreams}
        onCommit={set('maxStreams')}
      />
    </FieldSet>
  );
}
