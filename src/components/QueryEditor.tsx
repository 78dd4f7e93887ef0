import React from 'react';
import { Alert } from '@grafana/ui';

import { isKnownSource } from '../sources';
import { QUERY_EDITORS } from './query/registry';
import { QueryProps } from './query/types';

/** Edits one Pulse query with the editor of its data source's source (`jsonData.source`). */
export function QueryEditor(props: QueryProps) {
  const source = props.datasource.source;
  const Editor = isKnownSource(source) ? QUERY_EDITORS[source] : undefined;
  return (
    <div data-testid="pulse-query-editor" data-source={source}>
      {Editor ? (
        <Editor {...props} />
      ) : (
        <Alert severity="warning" title="Unknown source">
          This data source reads the source {JSON.stringify(source)}, which this version of Pulse has no query editor
          for. Pick a source in the data source&apos;s settings.
        </Alert>
      )}
    </div>
  );
}
