import type { Locator } from '@playwright/test';
import { type DashboardPage, type E2ESelectorGroups, expect, test } from '@grafana/plugin-e2e';

import { DASHBOARD_FILE, pulseQueries, shownNumber } from './pulse';

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
    const dashboard = await readProvisionedDashboard({ fileName: DASHBOARD_FILE });
    const dashboardPage = await gotoDashboardPage({ uid: dashboard.uid });
    const live = panelContent(dashboardPage, selectors, 'Live counter');
    const still = panelContent(dashboardPage, selectors, 'Static counter');

    // Both panels have run their query once and show a number.
    await expect(live).toHaveText(/\d/, { timeout: 20_000 });
    await expect(still).toHaveText(/\d/, { timeout: 20_000 });

    // From here on, nothing may reload the page or run the counters' queries again.
    let navigations = 0;
    let counterQueries = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) {
        navigations++;
      }
    });
    page.on('request', (request) => {
      counterQueries += pulseQueries(request).filter((q) => q.kind === 'counter').length;
    });
    const url = page.url();

    // A point every 250 ms: within 10 s the shown value changes at least three times, upwards.
    const seen: number[] = [];
    await expect
      .poll(
        async () => {
          const value = await shownNumber(live);
          if (!Number.isNaN(value) && value !== seen[seen.length - 1]) {
            seen.push(value);
          }
          return seen.length;
        },
        { timeout: 10_000, intervals: [100], message: 'Live counter should change at least 3 times in 10 s' }
      )
      .toBeGreaterThanOrEqual(4);
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

    expect(navigations, 'the page was not reloaded').toBe(0);
    expect(page.url()).toBe(url);
    expect(counterQueries, 'no counter query ran again').toBe(0);
  });
});
