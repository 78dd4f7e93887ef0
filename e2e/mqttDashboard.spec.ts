import type { Locator, Response } from '@playwright/test';
import { type DashboardPage, type E2ESelectorGroups, expect, test } from '@grafana/plugin-e2e';

import {
  framesOf,
  MQTT_DASHBOARD_FILE,
  type MqttQuery,
  pulseQueries,
  shownNumber,
  watchChanges,
  watchForReload,
} from './pulse';

// What docker compose runs beside Grafana: the demo feed (backend/testkit/cmd/pulse-demofeed)
// publishes on home/<room>/climate, the kitchen at 10 Hz, the living room and the bedroom at 1 Hz,
// the garage every 5 s, to the broker the "Pulse MQTT" data source reads.
const ROOMS = ['kitchen', 'livingroom', 'bedroom', 'garage'];

/** The provisioned dashboard as its file has it: readProvisionedDashboard returns all of it. */
interface DashboardJSON {
  uid: string;
  panels?: Array<{ title?: string; targets?: MqttQuery[] }>;
}

/** The one query of the panel titled `title`. */
function queryOf(dashboard: DashboardJSON, title: string): MqttQuery {
  const targets = dashboard.panels?.find((p) => p.title === title)?.targets ?? [];
  expect(targets, `${MQTT_DASHBOARD_FILE} has a panel "${title}" with one query`).toHaveLength(1);
  return targets[0];
}

/** What tells the dashboard's queries apart as they are sent (Grafana adds fields of its own). */
function queryKey(q: MqttQuery): string {
  return JSON.stringify([q.refId, q.topic, q.fields ?? [], q.timeField, Boolean(q.withStreaming)]);
}

/** A predicate for the /api/ds/query answer that carries query `q`. */
function answerTo(q: MqttQuery) {
  return (response: Response) =>
    pulseQueries<MqttQuery>(response.request()).some((sent) => queryKey(sent) === queryKey(q));
}

/** The content of the panel titled `title`: for a stat panel, the value it shows. */
function panelContent(dashboardPage: DashboardPage, selectors: E2ESelectorGroups, title: string): Locator {
  const panel = dashboardPage.getPanelByTitle(title);
  return dashboardPage.getByGrafanaSelector(selectors.components.Panels.Panel.content, { root: panel.locator });
}

test.describe('dashboard "Pulse — MQTT sensors"', () => {
  test('"Kitchen temperature" moves with the MQTT stream alone: no reload, no new query', async ({
    gotoDashboardPage,
    readProvisionedDashboard,
    selectors,
    page,
  }) => {
    const dashboard: DashboardJSON = await readProvisionedDashboard({ fileName: MQTT_DASHBOARD_FILE });
    const kitchenQuery = queryOf(dashboard, 'Kitchen temperature');
    expect(kitchenQuery.withStreaming).toBe(true);

    // Every Pulse query the page sends, from the first on: a query sent again is a re-query.
    const sent = new Map<string, number>();
    let resent: string[] = [];
    page.on('request', (request) => {
      for (const key of pulseQueries<MqttQuery>(request).map(queryKey)) {
        if (sent.has(key)) {
          resent.push(key);
        }
        sent.set(key, (sent.get(key) ?? 0) + 1);
      }
    });

    const dashboardPage = await gotoDashboardPage({ uid: dashboard.uid });
    const kitchen = panelContent(dashboardPage, selectors, 'Kitchen temperature');
    await expect(kitchen).toHaveText(/\d/, { timeout: 30_000 });
    expect(sent.get(queryKey(kitchenQuery)) ?? 0, 'the kitchen query was sent').toBeGreaterThan(0);
    const first = await shownNumber(kitchen);
    expect(first, 'a room temperature in °C').toBeGreaterThan(-20);
    expect(first, 'a room temperature in °C').toBeLessThan(60);

    // The kitchen publishes ten times a second, its temp with two decimals: the value moves.
    await expect
      .poll(() => shownNumber(kitchen), { timeout: 15_000, message: 'Kitchen temperature should start moving' })
      .not.toBe(first);

    // From here on, nothing may load the page again.
    const notReloaded = await watchForReload(page);
    resent = [];

    const seen = await watchChanges(kitchen, 3, 15_000, 'Kitchen temperature should change at least 3 times');
    // A temperature moves smoothly: no reading is a jump.
    for (let i = 1; i < seen.length; i++) {
      expect(Math.abs(seen[i] - seen[i - 1]), `from ${seen[i - 1]} to ${seen[i]}`).toBeLessThan(3);
    }

    await notReloaded();
    // Streaming panels get their messages through Grafana Live, never by asking /api/ds/query again.
    expect(resent, 'no query was sent again').toEqual([]);
  });

  test("after a reload, the panels are filled from Pulse's history at once, one series per room", async ({
    gotoDashboardPage,
    readProvisionedDashboard,
    page,
  }) => {
    const dashboard: DashboardJSON = await readProvisionedDashboard({ fileName: MQTT_DASHBOARD_FILE });
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
    const liveAnswer = page.waitForResponse(answerTo(live));
    const stillAnswer = page.waitForResponse(answerTo(still));
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
