import type { Locator } from '@playwright/test';
import { type DashboardPage, type E2ESelectorGroups, expect, test } from '@grafana/plugin-e2e';

import {
  type DashboardJSON,
  expectStatStreams,
  type FeedQuery,
  feedQueryKey,
  HTTP_DASHBOARD_FILE,
  onlyQueryOf,
  watchQueries,
} from './pulse';

// The demo feed serves the kitchen's readings (10 Hz) at /sse/home/kitchen as Server-Sent Events
// (events named climate, id the reading's seq) and at /ndjson/home/kitchen as one JSON line each.

function panelContent(dashboardPage: DashboardPage, selectors: E2ESelectorGroups, title: string): Locator {
  const panel = dashboardPage.getPanelByTitle(title);
  return dashboardPage.getByGrafanaSelector(selectors.components.Panels.Panel.content, { root: panel.locator });
}

test.describe('dashboard "Pulse — HTTP sensors (SSE and NDJSON)"', () => {
  for (const { title, format, path } of [
    { title: 'Kitchen temperature (SSE)', format: 'sse', path: '/sse/home/kitchen' },
    { title: 'Kitchen temperature (NDJSON)', format: 'ndjson', path: '/ndjson/home/kitchen' },
  ]) {
    test(`"${title}" moves with the ${format} stream alone: no reload, no new query`, async ({
      gotoDashboardPage,
      readProvisionedDashboard,
      selectors,
      page,
    }) => {
      const dashboard: DashboardJSON<FeedQuery> = await readProvisionedDashboard({ fileName: HTTP_DASHBOARD_FILE });
      const query = onlyQueryOf(dashboard, HTTP_DASHBOARD_FILE, title);
      expect(query).toMatchObject({ path, format, timeField: 'ts', withStreaming: true });
      if (format === 'sse') {
        expect(query.event, 'the status events stay out').toBe('climate');
      }

      const sentAgain = watchQueries<FeedQuery>(page, feedQueryKey);
      const dashboardPage = await gotoDashboardPage({ uid: dashboard.uid });
      await expectStatStreams(page, panelContent(dashboardPage, selectors, title), title, sentAgain);
    });
  }
});
