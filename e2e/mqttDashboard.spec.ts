import { expect, test } from '@grafana/plugin-e2e';

import {
  answerTo,
  type DashboardJSON,
  expectStatStreams,
  framesOf,
  MQTT_DASHBOARD_FILE,
  type MqttQuery,
  onlyQueryOf,
  panelContent,
  watchQueries,
} from './pulse';

// What docker compose runs beside Grafana: the demo feed (backend/testkit/cmd/pulse-demofeed)
// publishes on home/<room>/climate, the kitchen at 10 Hz, the living room and the bedroom at 1 Hz,
// the garage every 5 s, to the broker the "Pulse MQTT" data source reads.
const ROOMS = ['kitchen', 'livingroom', 'bedroom', 'garage'];

/** The one query of the panel titled `title`. */
function queryOf(dashboard: DashboardJSON<MqttQuery>, title: string): MqttQuery {
  return onlyQueryOf(dashboard, MQTT_DASHBOARD_FILE, title);
}

/** What tells the dashboard's queries apart as they are sent (Grafana adds fields of its own). */
function queryKey(q: MqttQuery): string {
  return JSON.stringify([q.refId, q.topic, q.fields ?? [], q.timeField, Boolean(q.withStreaming)]);
}

test.describe('dashboard "Pulse — MQTT sensors"', () => {
  test('"Kitchen temperature" moves with the MQTT stream alone: no reload, no new query', async ({
    gotoDashboardPage,
    readProvisionedDashboard,
    selectors,
    page,
  }) => {
    const dashboard: DashboardJSON<MqttQuery> = await readProvisionedDashboard({ fileName: MQTT_DASHBOARD_FILE });
    const kitchenQuery = queryOf(dashboard, 'Kitchen temperature');
    expect(kitchenQuery.withStreaming).toBe(true);

    // Every Pulse query the page sends, from the first on: a query sent again is a re-query.
    const sent = watchQueries<MqttQuery>(page, queryKey);

    const dashboardPage = await gotoDashboardPage({ uid: dashboard.uid });
    const kitchen = panelContent(dashboardPage, selectors, 'Kitchen temperature');
    await expect(kitchen).toHaveText(/\d/, { timeout: 30_000 });
    expect(sent.count(queryKey(kitchenQuery)), 'the kitchen query was sent').toBeGreaterThan(0);
    // The kitchen publishes ten times a second, its temp with two decimals: the value moves
    // smoothly, with no page reload and no query sent again (streaming panels get their messages
    // through Grafana Live, never by asking /api/ds/query again).
    await expectStatStreams(page, kitchen, 'Kitchen temperature', sent);
  });

  test("after a reload, the panels are filled from Pulse's history at once, one series per room", async ({
    gotoDashboardPage,
    readProvisionedDashboard,
    page,
  }) => {
    const dashboard: DashboardJSON<MqttQuery> = await readProvisionedDashboard({ fileName: MQTT_DASHBOARD_FILE });
    const liveTitle = 'Temperature per room (streaming)';
    const live = queryOf(dashboard, liveTitle);
    const still = queryOf(dashboard, 'Temperature per room (alert-ready, no streaming)');
    expect(live.withStreaming).toBe(true);
    expect(still.withStreaming).toBe(false);

    // The first visit starts Pulse following home/+/climate, if nothing did yet; every room shows
    // once it has published, the garage within 5 s.
    const dashboardPage = await gotoDashboardPage({ uid: dashboard.uid });
    const panel = dashboardPage.getPanelByTitle(liveTitle).locator;
    for (const room of ROOMS) {
      await expect(panel).toContainText(`home/${room}/climate`, { timeout: 30_000 });
    }
    // A few more seconds of messages: the kitchen alone sends ten a second.
    await page.waitForTimeout(3_000);

    const reloadedAt = Date.now();
    const liveAnswer = page.waitForResponse(answerTo(live, queryKey));
    const stillAnswer = page.waitForResponse(answerTo(still, queryKey));
    await page.reload();

    // The streaming panel's first answer after the reload already holds the rows that came before
    // it, for every room: the garage publishes every 5 s, so its rows cannot all be new.
    const liveResponse = await liveAnswer;
    expect(liveResponse.ok()).toBe(true);
    const [frame, ...more] = await framesOf(liveResponse, live.refId);
    expect(more, 'a streaming query answers with one frame').toHaveLength(0);
    expect(frame.schema?.meta?.channel, 'the answer names its Grafana Live channel').toMatch(
      /^ds\/pulse-mqtt\/mqtt\/v1\//
    );
    const columns = frame.data?.values ?? [];
    const times = (columns[0] ?? []) as number[];
    expect(times.length, 'rows in the first answer after the reload').toBeGreaterThan(20);
    expect(Math.min(...times), 'the oldest row is from before the reload').toBeLessThan(reloadedAt - 3_000);
    const fields = frame.schema?.fields ?? [];
    for (const room of ROOMS) {
      const i = fields.findIndex((f) => f.name === `temp home/${room}/climate`);
      expect(i, `a temp field for ${room} in ${fields.map((f) => f.name).join(', ')}`).toBeGreaterThan(0);
      const values = (columns[i] ?? []).filter((v) => v !== null);
      expect(values.length, `${room}'s rows`).toBeGreaterThan(0);
    }
    // ... and the panel draws them as soon as the page is back, every room in its legend.
    for (const room of ROOMS) {
      await expect(panel).toContainText(`home/${room}/climate`, { timeout: 10_000 });
    }

    // With streaming off, the same rows as an alert rule sees them: one frame per room, labelled.
    const stillResponse = await stillAnswer;
    expect(stillResponse.ok()).toBe(true);
    const frames = await framesOf(stillResponse, still.refId);
    const topics = frames.map((f) => f.schema?.fields?.find((field) => field.labels?.topic)?.labels?.topic).sort();
    expect(topics).toEqual(ROOMS.map((room) => `home/${room}/climate`).sort());
    for (const f of frames) {
      expect(f.data?.values?.[0]?.length ?? 0, `rows of ${f.schema?.name}`).toBeGreaterThan(0);
    }
  });
});
