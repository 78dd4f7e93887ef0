import { expect, test } from '@grafana/plugin-e2e';

import { testPanelStreams, HTTP_DASHBOARD_FILE } from './pulse';

// The demo feed serves the kitchen's readings (10 Hz) at /sse/home/kitchen as Server-Sent Events
// (events named climate, id the reading's seq) and at /ndjson/home/kitchen as one JSON line each.

test.describe('dashboard "Pulse — HTTP sensors (SSE and NDJSON)"', () => {
  for (const { title, format, path } of [
    { title: 'Kitchen temperature (SSE)', format: 'sse', path: '/sse/home/kitchen' },
    { title: 'Kitchen temperature (NDJSON)', format: 'ndjson', path: '/ndjson/home/kitchen' },
  ]) {
    testPanelStreams(
      `"${title}" moves with the ${format} stream alone: no reload, no new query`,
      HTTP_DASHBOARD_FILE,
      title,
      (query) => {
        expect(query).toMatchObject({ path, format, timeField: 'ts', withStreaming: true });
        if (format === 'sse') {
          expect(query.event, 'the status events stay out').toBe('climate');
        }
      }
    );
  }
});
