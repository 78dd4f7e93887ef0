import path from 'path';
import { expect, Page, test } from '@playwright/test';

const SHOTS = path.resolve(__dirname, '..', '..', 'test-results', 'browser-check');

const json = async (page: Page, testId: string) => JSON.parse((await page.getByTestId(testId).textContent()) ?? 'null');

/** Types into a labelled number field and leaves it with Tab, as a person would. */
async function enter(page: Page, label: string, text: string) {
  const input = page.getByLabel(label, { exact: true });
  await input.fill(text);
  await input.press('Tab');
}

test('the editors emit only queries and settings within bounds', async ({ page }) => {
  const problems: string[] = [];
  page.on(
    'console',
    (msg) => msg.type() === 'error' && problems.push(`console error: ${msg.text()} ${msg.location().url}`)
  );
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));

  await page.goto('/');
  await expect(page.getByTestId('pulse-query-editor')).toBeVisible();
  await expect(page.getByTestId('pulse-config-editor')).toBeVisible();
  expect(await json(page, 'emitted-query')).toMatchObject({ refId: 'A', kind: 'randomWalk', withStreaming: false });
  await expect(page.getByLabel('Period (ms)')).toHaveCount(0);

  // The switch's input is covered by its styled label, which is what a person clicks.
  await page.locator('#pulse-withStreaming + label').click();
  await expect(page.getByRole('switch', { name: 'With streaming' })).toBeChecked();
  expect(await json(page, 'emitted-query')).toMatchObject({ withStreaming: true });
  await expect(page.getByTestId('run-count')).toHaveText('1');

  // Each radio input lies transparent over its label, so a click lands on the input.
  await page.getByRole('radio', { name: 'Sine' }).click();
  await expect(page.getByRole('radio', { name: 'Sine' })).toBeChecked();
  await enter(page, 'Period (ms)', '5000');
  await enter(page, 'Step (ms)', '250');
  await enter(page, 'Amplitude', '2.5');

  const series = page.getByLabel('Series', { exact: true });
  await series.fill('99');
  await expect(page.getByText('must be between 1 and 16')).toBeVisible();
  await expect(series).toHaveAttribute('aria-invalid', 'true');
  expect(await json(page, 'emitted-query')).toMatchObject({ seriesCount: 1 });
  await page.screenshot({ path: path.join(SHOTS, 'editors-invalid.png'), fullPage: true });
  await series.press('Tab');
  await expect(series).toHaveValue('16');
  expect(await json(page, 'emitted-query')).toMatchObject({ seriesCount: 16 });

  // A stricter data source: the query now asks for too many series, and the editor says so.
  await enter(page, 'Maximum series', '4');
  expect(await json(page, 'emitted-options')).toEqual({ maxSeries: 4 });
  await expect(page.getByTestId('pulse-query-problems')).toContainText('seriesCount must be between 1 and 4');
  await enter(page, 'Series', '3');
  await expect(page.getByTestId('pulse-query-problems')).toHaveCount(0);
  await enter(page, 'Flush (ms)', '250');
  await enter(page, 'Minimum step (ms)', '0');
  expect(await json(page, 'emitted-options')).toEqual({ maxSeries: 4, minStepMs: 1 });

  expect(await json(page, 'emitted-query')).toEqual({
    refId: 'A',
    withStreaming: true,
    kind: 'sine',
    stepMs: 250,
    periodMs: 5000,
    amplitude: 2.5,
    offset: 0,
    seed: 0,
    seriesCount: 3,
    flushMs: 250,
  });
  await expect(page.getByTestId('run-count')).toHaveText('8');
  // Leave no field focused, so no tooltip covers the final picture.
  await page.getByRole('heading', { name: 'Last emitted' }).click();
  await page.screenshot({ path: path.join(SHOTS, 'editors.png'), fullPage: true });

  expect(problems).toEqual([]);
  console.log(
    `browser-check: PASS (editors rendered, 8 query runs, screenshots in ${path.relative(process.cwd(), SHOTS)})`
  );
});
