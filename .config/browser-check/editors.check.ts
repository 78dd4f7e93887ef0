import path from 'path';
import { expect, Page, test } from '@playwright/test';

const SHOTS = path.resolve(__dirname, '..', '..', 'test-results', 'browser-check');
/** The plugin's screenshots, which plugin.json lists and the catalog shows. */
const IMG = path.resolve(__dirname, '..', '..', 'src', 'img');

const json = async (page: Page, testId: string) => JSON.parse((await page.getByTestId(testId).textContent()) ?? 'null');

/** Types into a labelled field and leaves it with Tab, as a person would. */
async function enter(page: Page, label: string, text: string) {
  const input = page.getByLabel(label, { exact: true });
  await input.fill(text);
  await input.press('Tab');
}

/** Collects the page's console errors and uncaught exceptions. */
function watchErrors(page: Page): string[] {
  const problems: string[] = [];
  page.on(
    'console',
    (msg) => msg.type() === 'error' && problems.push(`console error: ${msg.text()} ${msg.location().url}`)
  );
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return problems;
}

/**
 * Photographs the two editors' frames, each alone, as the plugin's screenshots. No field is left
 * focused first, so no tooltip or focus ring is in the picture; each picture is cut to whole
 * pixels inside its frame, so no sliver of the page around it shows.
 */
async function photographEditors(page: Page, source: string) {
  await page.getByRole('heading', { name: 'Last emitted' }).click();
  await page.mouse.move(0, 0);
  for (const editor of ['config', 'query']) {
    // With the page at its top, the frame's box is in the page's coordinates, which clip takes.
    await page.evaluate(() => window.scrollTo(0, 0));
    const box = await page.getByTestId(`frame-${editor}`).boundingBox();
    expect(box).not.toBeNull();
    const { x, y, width, height } = box!;
    const clip = {
      x: Math.ceil(x),
      y: Math.ceil(y),
      width: Math.floor(width),
      height: Math.floor(y + height) - Math.ceil(y),
    };
    await page.screenshot({ path: path.join(IMG, `screenshot-${editor}-${source}.png`), clip, fullPage: true });
  }
}

test('the editors emit only queries and settings within bounds', async ({ page }) => {
  const problems = watchErrors(page);

  await page.goto('/');
  await expect(page.getByTestId('pulse-query-editor')).toBeVisible();
  await expect(page.getByTestId('pulse-config-editor')).toBeVisible();
  await expect(page.getByRole('radio', { name: 'Signals' })).toBeChecked();
  await expect(page.getByTestId('pulse-query-editor')).toHaveAttribute('data-source', 'signals');
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
  await photographEditors(page, 'signals');

  expect(problems).toEqual([]);
  console.log(
    `browser-check: PASS signals (editors rendered, 8 query runs, screenshots in ${path.relative(process.cwd(), SHOTS)} and ${path.relative(process.cwd(), IMG)})`
  );
});

test('an MQTT data source: its settings, secrets and a query checked before it runs', async ({ page }) => {
  const problems = watchErrors(page);
  await page.goto('/');
  await expect(page.getByTestId('pulse-config-editor')).toBeVisible();

  // Picking the source swaps the config editor, and a new query carries no signal fields.
  await page.getByRole('radio', { name: 'MQTT', exact: true }).click();
  await expect(page.getByTestId('pulse-config-mqtt')).toBeVisible();
  await expect(page.getByLabel('Maximum series', { exact: true })).toHaveCount(0);
  expect(await json(page, 'emitted-options')).toEqual({ source: 'mqtt' });
  await expect(page.getByTestId('pulse-query-editor')).toHaveAttribute('data-source', 'mqtt');
  expect(await json(page, 'emitted-query')).toEqual({ refId: 'A', withStreaming: true });
  await expect(page.getByTestId('pulse-query-problems')).toContainText('topic is required');

  // Connection: a URI the backend would refuse is flagged, then fixed.
  await enter(page, 'URI', 'http://broker');
  await expect(page.getByText(/^must be tcp:\/\/, mqtt:\/\//)).toBeVisible();
  await enter(page, 'URI', 'tcp://mqtt:1883');
  await expect(page.getByText(/^must be tcp:\/\//)).toHaveCount(0);
  await page.getByRole('radio', { name: 'MQTT 5' }).click();
  await enter(page, 'Username', 'grafana');

  // The password goes to secureJsonData and is never shown back in clear.
  const password = page.getByLabel('Password', { exact: true });
  await password.fill('s3cret');
  await expect(password).toHaveAttribute('type', 'password');
  expect(await json(page, 'emitted-secrets')).toEqual({ typed: ['password'], configured: {} });

  // TLS: a CA certificate is asked for once it is read, then left off again.
  await page.locator('#pulse-mqtt-tlsAuthWithCACert + label').click();
  await expect(page.getByText('required while “CA certificate” is read')).toBeVisible();
  await page.locator('#pulse-mqtt-tlsAuthWithCACert + label').click();
  await expect(page.getByLabel('CA certificate', { exact: true })).toHaveCount(0);

  // Allowed topics: one per entry; a filter that is not one is flagged.
  await page.getByRole('button', { name: 'Add allowed topic' }).click();
  await page.getByLabel('Allowed topic 1', { exact: true }).fill('plant/#/x');
  await expect(page.getByText(`'#' must be a whole level and the last one, got "plant/#/x"`)).toBeVisible();
  await enter(page, 'Allowed topic 1', 'plant/#');
  await page.getByRole('button', { name: 'Add allowed topic' }).click();
  await enter(page, 'Allowed topic 2', 'office/+/temp');

  // History and limits: bounds are flagged while typing and clamped on commit.
  const linger = page.getByLabel('Linger (s)', { exact: true });
  await linger.fill('100000');
  await expect(page.getByText('must be between 0 and 86,400')).toBeVisible();
  await linger.press('Tab');
  await expect(linger).toHaveValue('86400');
  await enter(page, 'Linger (s)', '900');
  await enter(page, 'Maximum streams', '200');
  await expect(page.getByTestId('pulse-mqtt-memory')).toHaveText(
    'At most 200 histories of 4 MiB each: up to 800 MiB of memory.'
  );
  expect(await json(page, 'emitted-options')).toEqual({
    source: 'mqtt',
    uri: 'tcp://mqtt:1883',
    protocolVersion: '5',
    username: 'grafana',
    tlsAuthWithCACert: false,
    allowedTopics: ['plant/#', 'office/+/temp'],
    lingerSeconds: 900,
    maxStreams: 200,
  });

  // The query: what the backend would refuse is listed before it runs.
  const problemsBox = page.getByTestId('pulse-query-problems');
  await enter(page, 'Topic', 'plant/#/temp');
  await expect(problemsBox).toContainText(`topic '#' must be a whole level and the last one`);
  await enter(page, 'Topic', 'factory/line1');
  await expect(problemsBox).toContainText(`topic "factory/line1" is not covered by this data source's allowed topics`);
  // ds/pulse-uid/mqtt/v1/100/ (25) and the 117 bytes of topic and NUL in base64url (156).
  await enter(page, 'Topic', `plant/${'x'.repeat(110)}`);
  await expect(problemsBox).toContainText("with streaming, this query's channel would be 181 characters long");
  await enter(page, 'Topic', 'plant/+/temp');
  await expect(problemsBox).toHaveCount(0);
  await enter(page, 'Time field', 'ts');
  await page.getByRole('button', { name: 'Add field' }).click();
  await enter(page, 'Field 1', 'celsius');
  await page.getByRole('button', { name: 'Add field' }).click();
  await enter(page, 'Field 2', 'hum');
  await enter(page, 'Flush (ms)', '5');
  await expect(page.getByLabel('Flush (ms)', { exact: true })).toHaveValue('10');
  await enter(page, 'Flush (ms)', '250');
  await expect(problemsBox).toHaveCount(0);
  expect(await json(page, 'emitted-query')).toEqual({
    refId: 'A',
    withStreaming: true,
    topic: 'plant/+/temp',
    timeField: 'ts',
    fields: ['celsius', 'hum'],
    flushMs: 250,
  });
  // Four topics, the time field, two fields and two flush windows: each commit ran the query once.
  await expect(page.getByTestId('run-count')).toHaveText('9');

  await page.getByRole('heading', { name: 'Last emitted' }).click();
  await page.screenshot({ path: path.join(SHOTS, 'editors-mqtt.png'), fullPage: true });
  await photographEditors(page, 'mqtt');

  expect(problems).toEqual([]);
  console.log(
    `browser-check: PASS mqtt (editors rendered, 9 query runs, screenshots in ${path.relative(process.cwd(), IMG)})`
  );
});
