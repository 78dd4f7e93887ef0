import type { Locator, Response } from '@playwright/test';
import { expect, test } from '@grafana/plugin-e2e';

import type { PulseQuery } from '../src/types';
import { DATASOURCE_FILE, DATASOURCE_NAME, pulseQueries } from './pulse';

/** One frame of a /api/ds/query answer, as Grafana encodes it. */
interface FrameJSON {
  schema?: { fields?: Array<{ name: string; labels?: Record<string, string> }>; meta?: { channel?: string } };
  data?: { values?: unknown[][] };
}

/** Types into a labelled field and leaves it with Tab, which commits it and runs the query. */
async function enter(row: Locator, label: string, text: string) {
  const input = row.getByLabel(label, { exact: true });
  await input.fill(text);
  await input.press('Tab');
}

/**
 * A predicate for the /api/ds/query answer to the query that has all of `want` and streams or
 * not as `streaming` says. A query that does not stream may lack `withStreaming` altogether:
 * Grafana merges the data source's default query only into a request whose query is still
 * empty, and the editor writes the field only when its switch is toggled.
 */
function answerTo(want: Partial<PulseQuery>, streaming: boolean) {
  return (response: Response) =>
    pulseQueries(response.request()).some(
      (q) =>
        Boolean(q.withStreaming) === streaming &&
        Object.entries(want).every(([key, value]) => q[key as keyof PulseQuery] === value)
    );
}

async function framesOf(response: Response, refId: string): Promise<FrameJSON[]> {
  const body = await response.json();
  const result = body?.results?.[refId];
  expect(result?.error, `query ${refId} failed`).toBeUndefined();
  return result?.frames ?? [];
}

test.describe('query editor', () => {
  test('a sine query set in the panel editor returns one frame with three series', async ({
    panelEditPage,
    readProvisionedDataSource,
  }) => {
    const ds = await readProvisionedDataSource({ fileName: DATASOURCE_FILE, name: DATASOURCE_NAME });
    await panelEditPage.datasource.set(ds.name);
    const row = panelEditPage.getQueryEditorRow('A');
    await expect(row.getByTestId('pulse-query-editor')).toBeVisible();

    await row.getByRole('radio', { name: 'Sine', exact: true }).click();
    await expect(row.getByRole('radio', { name: 'Sine', exact: true })).toBeChecked();
    await enter(row, 'Step (ms)', '200');
    await enter(row, 'Period (ms)', '5000');
    await enter(row, 'Series', '3');
    await expect(row.getByTestId('pulse-query-problems')).toHaveCount(0);

    // The switch was never touched: the query runs without streaming, whether it says
    // withStreaming: false or, as a new panel's query does, nothing at all.
    const want = { refId: 'A', kind: 'sine', stepMs: 200, periodMs: 5000, seriesCount: 3 };
    const response = panelEditPage.refreshPanel({ waitForResponsePredicateCallback: answerTo(want, false) });
    await expect(response).toBeOK();

    const frames = await framesOf(await response, 'A');
    expect(frames).toHaveLength(1);
    const fields = frames[0].schema?.fields ?? [];
    expect(fields.map((f) => f.name)).toEqual(['time', 'value', 'value', 'value']);
    expect(fields.slice(1).map((f) => f.labels?.series)).toEqual(['1', '2', '3']);
    expect(frames[0].data?.values?.[0]?.length ?? 0).toBeGreaterThan(0);
    expect(frames[0].schema?.meta?.channel).toBeUndefined();
    await expect(panelEditPage.panel.getErrorIcon()).toHaveCount(0);
  });

  test('turning on "With streaming" in Explore answers with a live channel', async ({
    explorePage,
    readProvisionedDataSource,
    page,
  }) => {
    const ds = await readProvisionedDataSource({ fileName: DATASOURCE_FILE, name: DATASOURCE_NAME });
    await explorePage.datasource.set(ds.name);
    const row = explorePage.getQueryEditorRow('A');
    await expect(row.getByTestId('pulse-query-editor')).toBeVisible();

    await row.getByRole('radio', { name: 'Counter', exact: true }).click();
    await enter(row, 'Step (ms)', '250');

    const want = { refId: 'A', kind: 'counter', stepMs: 250 };
    const answered = page.waitForResponse(answerTo(want, true));
    // The switch's input lies under its styled label, which is what a person clicks.
    await row.locator('#pulse-withStreaming + label').click();
    await expect(row.getByRole('switch', { name: 'With streaming' })).toBeChecked();
    await expect(answered).toBeOK();

    const frames = await framesOf(await answered, 'A');
    expect(frames).toHaveLength(1);
    // docs/query-model.md, "Channel": only the fields that differ from their defaults.
    expect(frames[0].schema?.meta?.channel).toBe(`ds/${ds.uid}/v1/counter/s=250`);
  });
});
