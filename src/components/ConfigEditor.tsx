import React from 'react';
import { SelectableValue } from '@grafana/data';
import { Alert, Box, InlineField, RadioButtonGroup, Text } from '@grafana/ui';

import { isKnownSource, SOURCE_LABELS, sourceOf } from '../sources';
import { SOURCE_NAMES, SourceName } from '../types';
import { CONFIG_EDITORS } from './config/registry';
import { ConfigProps } from './config/types';

const SOURCE_OPTIONS: Array<SelectableValue<SourceName>> = SOURCE_NAMES.map((name) => ({
  value: name,
  label: SOURCE_LABELS[name].label,
  description: SOURCE_LABELS[name].description,
}));

/**
 * The data source's settings: which source it reads (`jsonData.source`), then that source's own
 * editor. Switching the source keeps the other source's settings, which its backend ignores, so
 * switching back loses nothing.
 */
export function ConfigEditor(props: ConfigProps) {
  const { options, onOptionsChange } = props;
  const source = sourceOf(options.jsonData);
  const Editor = isKnownSource(source) ? CONFIG_EDITORS[source] : undefined;

  return (
    <div data-testid="pulse-config-editor">
      <InlineField
        label="Source"
        labelWidth={22}
        tooltip="What this data source reads. Panels' queries are written for one source: changing it leaves queries written for the other one refused or empty."
      >
        <RadioButtonGroup<SourceName>
          options={SOURCE_OPTIONS}
          value={isKnownSource(source) ? source : undefined}
          onChange={(value) => onOptionsChange({ ...options, jsonData: { ...options.jsonData, source: value } })}
        />
      </InlineField>
      {Editor ? (
        <>
          <Box marginBottom={2}>
            <Text color="secondary" element="p">
              {SOURCE_LABELS[source as SourceName].description}
            </Text>
          </Box>
          <Editor {...props} />
        </>
      ) : (
        <Alert severity="warning" title="Unknown source" data-testid="pulse-config-unknown-source">
          This data source reads the source {JSON.stringify(source)}, which this version of Pulse does not know. Pick
          one of {SOURCE_NAMES.map((name) => SOURCE_LABELS[name].label).join(', ')}.
        </Alert>
      )}
    </div>
  );
}
