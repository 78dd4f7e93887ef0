import type { Locator } from '@playwright/test';
import { type DashboardPage, type E2ESelectorGroups, expect, test } from '@grafana/plugin-e2e';

import type { PulseQuery } from '../src/types';
import { DASHBOARD_FILE, pulseQueries, shownNumber, watchChanges, watchForReload } from './pulse';

/** The provisioned dashboard as its file has it: readProvisionedDashboard returns all of it. */
interface DashboardJSON {
  uid: string;
  panels?: Array<{ title?: string; targets?: PulseQuery[] }>;
}

/** The queries of the panel titled `title`. */
function targetsOf(dashboard: DashboardJSON, title: string): PulseQuery[] {
  const targets = dashboard.panels?.find((p) => p.title === title)?.targets ?? [];
  expect(targets, `${DASHBOARD_FILE} has a panel "${title}" with queries`).not.toHaveLength(0);
  return targets;
}

/** What tells the dashboard's queries apart as they are sent (Grafana adds fields of its own). */
function queryKey(q: PulseQuery): string {
  return JSON.stringify([q.refId, q.kind, q.stepMs, q.periodMs, q.amplitude, Boolean(q.withStreaming)]);
}

/** The content of the panel titled `title`: for a stat panel, the value it shows. */
function panelContent(dashboardPage: DashboardPage, selectors: E2ESelectorGroups, title: string): Locator {
  const panel = dashboardPage.getPanelByTitle(title);
  return dashboardPage.getByGrafanaSelector(selectors.components.Panels.Panel.content, { root: panel.locator });
}

test.describe('dashboard "Pulse — live signals"', () => {
  test('"Live counter" moves by streaming alone, while "Static counter" stays put', async ({
    gotoDashboardPage,
    readProvisionedDashboard,
    selectors,
    page,
  }) => {
    const dashboard: DashboardJSON = await readProvisionedDashboard({ fileName: DASHBOARD_FILE });
    const counters = ['Live counter', 'Static counter'].flatMap((title) => targetsOf(dashboard, title).map(queryKey));

    // Every Pulse query the page sends, from the first on: a query sent again is a re-query.
    const sent = new Map<string, number>();
    let resent: string[] = [];
    page.on('request', (request) => {
      for (const key of pulseQueries(request).map(queryKey)) {
        if (sent.has(key)) {
          resent.push(key);
        }
        sent.set(key, (sent.get(key) ?? 0) + 1);
      }
    });

    const dashboardPage = await gotoDashboardPage({ uid: dashboard.uid });
    const live = panelContent(dashboardPage, selectors, 'Live counter');
    const still = panelContent(dashboardPage, selectors, 'Static counter');

    // Both panels have run their query and show a number.
    await expect(live).toHaveText(/\d/, { timeout: 20_000 });
    await expect(still).toHaveText(/\d/, { timeout: 20_000 });
    for (const key of counters) {
      expect(sent.get(key) ?? 0, `the query ${key} was sent`).toBeGreaterThan(0);
    }

    // The live counter streams once its value moves without a query.
    const first = await shownNumber(live);
    await expect
      .poll(() => shownNumber(live), { timeout: 10_000, message: 'Live counter should start moving' })
      .not.toBe(first);

    // From here on, nothing may load the page again.
    const notReloaded = await watchForReload(page);
    resent = [];

    // A point every 250 ms: within 10 s the shown value changes at least three times, upwards.
    const seen = await watchChanges(live, 3, 10_000, 'Live counter should change at least 3 times in 10 s');
    expect(seen, 'a counter only rises').toEqual([...seen].sort((a, b) => a - b));

    // Streaming off: the same counter keeps the value its only query returned.
    const stillValue = await shownNumber(still);
    const liveBefore = await shownNumber(live);
    expect(stillValue).not.toBeNaN();
    for (let i = 0; i < 8; i++) {
      await page.waitForTimeout(500);
      expect(await shownNumber(still), `Static counter after ${(i + 1) * 0.5} s`).toBe(stillValue);
    }
    // ... while the live one went on moving on the same page.
    expect(await shownNumber(live)).toBeGreaterThan(liveBefore);
    expect(stillValue).toBeLessThan(await shownNumber(live));

    await notReloaded();
    // Streaming panels get their points through Grafana Live, never by asking /api/ds/query again.
    expect(resent, 'no query was sent again').toEqual([]);
  });
});
