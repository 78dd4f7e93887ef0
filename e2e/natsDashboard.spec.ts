import { expect, test } from '@grafana/plugin-e2e';

import {
  answerTo,
  testPanelStreams,
  type FeedQuery,
  feedQueryKey,
  framesOf,
  NATS_DASHBOARD_FILE,
  provisionedQuery,
} from './pulse';

// The demo feed publishes on home.<room>.climate (kitchen 10 Hz, living room and bedroom 1 Hz,
// garage every 5 s) to the compose file's NATS server, whose JetStream stream HOME keeps home.>.
const ROOMS = ['kitchen', 'livingroom', 'bedroom', 'garage'];

test.describe('dashboard "Pulse — NATS sensors"', () => {
  testPanelStreams(
    '"Kitchen temperature" moves with the NATS stream alone: no reload, no new query',
    NATS_DASHBOARD_FILE,
    'Kitchen temperature',
    (query) => expect(query).toMatchObject({ subject: 'home.kitchen.climate', timeField: 'ts', withStreaming: true })
  );

  test('"Temperature per room (streaming)" shows every room, and after a reload starts from history', async ({
    gotoDashboardPage,
    readProvisionedDashboard,
    page,
  }) => {
    const title = 'Temperature per room (streaming)';
    const { dashboard, query } = await provisionedQuery<FeedQuery>(
      readProvisionedDashboard,
      NATS_DASHBOARD_FILE,
      title
    );
    expect(query).toMatchObject({ subject: 'home.*.climate', withStreaming: true });

    const dashboardPage = await gotoDashboardPage({ uid: dashboard.uid });
    const panel = dashboardPage.getPanelByTitle(title).locator;
    for (const room of ROOMS) {
      await expect(panel).toContainText(`home.${room}.climate`, { timeout: 30_000 });
    }

    // JetStream keeps what was published before: the first answer after a reload holds rows from
    // before it.
    const reloadedAt = Date.now();
    const answer = page.waitForResponse(answerTo(query, feedQueryKey));
    await page.reload();
    const response = await answer;
    expect(response.ok()).toBe(true);
    const [frame] = await framesOf(response, query.refId);
    const times = (frame?.data?.values?.[0] ?? []) as number[];
    expect(times.length, 'rows in the first answer after the reload').toBeGreaterThan(0);
    expect(Math.min(...times), 'the oldest row is from before the reload').toBeLessThan(reloadedAt - 2_000);
    for (const room of ROOMS) {
      await expect(panel).toContainText(`home.${room}.climate`, { timeout: 10_000 });
    }
  });
});
