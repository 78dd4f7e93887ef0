import { expect, test } from '@grafana/plugin-e2e';

import { testPanelStreams, type FeedQuery, provisionedQuery, WEBSOCKET_DASHBOARD_FILE } from './pulse';

// The demo feed sends the kitchen's readings (10 Hz) over ws://demofeed:8090/ws/home/kitchen, one
// text message each.

test.describe('dashboard "Pulse — WebSocket sensors"', () => {
  testPanelStreams(
    '"Kitchen temperature" moves with the WebSocket alone: no reload, no new query',
    WEBSOCKET_DASHBOARD_FILE,
    'Kitchen temperature',
    (query) => expect(query).toMatchObject({ path: '/ws/home/kitchen', timeField: 'ts', withStreaming: true })
  );

  test('the panel that sends a subscribe message draws the bedroom', async ({
    gotoDashboardPage,
    readProvisionedDashboard,
  }) => {
    const title = 'Bedroom temperature (subscribe message)';
    const { dashboard, query } = await provisionedQuery<FeedQuery>(
      readProvisionedDashboard,
      WEBSOCKET_DASHBOARD_FILE,
      title
    );
    expect(JSON.parse(query.subscribeMessage ?? '{}')).toEqual({ subscribe: 'home/bedroom/climate' });

    const dashboardPage = await gotoDashboardPage({ uid: dashboard.uid });
    const panel = dashboardPage.getPanelByTitle(title).locator;
    // The bedroom sends once a second: the legend shows its series once rows arrived.
    await expect(panel).toContainText('temp', { timeout: 30_000 });
    await expect(panel).not.toContainText('No data', { timeout: 30_000 });
  });
});
