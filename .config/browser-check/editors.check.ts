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

/** Opens the page, watching it for errors, and picks a data source of this source. */
async function openSource(page: Page, label: string, source: string): Promise<string[]> {
  const problems = watchErrors(page);
  await page.goto('/');
  await expect(page.getByTestId('pulse-config-editor')).toBeVisible();
  await page.getByRole('radio', { name: label, exact: true }).click();
  await expect(page.getByTestId(`pulse-config-${source}`)).toBeVisible();
  return problems;
}

/** Enters an address the backend would refuse and sees it flagged, then a good one and sees the flag go. */
async function refuseThenFix(page: Page, label: string, refused: string, message: RegExp | string, good: string) {
  await enter(page, label, refused);
  await expect(page.getByText(message)).toBeVisible();
  await enter(page, label, good);
  await expect(page.getByText(message)).toHaveCount(0);
}

/** Photographs the editors, checks that the page logged no errors, and says the test passed. */
async function pass(page: Page, problems: string[], source: string, summary: string) {
  await photographEditors(page, source);
  expect(problems).toEqual([]);
  console.log(`browser-check: PASS ${source} (${summary})`);
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
  // Picking the source swaps the config editor, and a new query carries no signal fields.
  const problems = await openSource(page, 'MQTT', 'mqtt');
  await expect(page.getByLabel('Maximum series', { exact: true })).toHaveCount(0);
  expect(await json(page, 'emitted-options')).toEqual({ source: 'mqtt' });
  await expect(page.getByTestId('pulse-query-editor')).toHaveAttribute('data-source', 'mqtt');
  expect(await json(page, 'emitted-query')).toEqual({ refId: 'A', withStreaming: true });
  await expect(page.getByTestId('pulse-query-problems')).toContainText('topic is required');

  // Connection: a URI the backend would refuse is flagged, then fixed.
  await refuseThenFix(page, 'URI', 'http://broker', /^must be tcp:\/\/, mqtt:\/\//, 'tcp://mqtt:1883');
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
  await pass(
    page,
    problems,
    'mqtt',
    `editors rendered, 9 query runs, screenshots in ${path.relative(process.cwd(), IMG)}`
  );
});

test('an HTTP stream data source: its endpoint, token, headers and a path checked before it runs', async ({ page }) => {
  const problems = await openSource(page, 'HTTP stream', 'http');
  expect(await json(page, 'emitted-options')).toEqual({ source: 'http' });
  await expect(page.getByTestId('pulse-query-editor')).toHaveAttribute('data-source', 'http');
  expect(await json(page, 'emitted-query')).toEqual({ refId: 'A', withStreaming: true });
  await expect(page.getByTestId('pulse-query-problems')).toContainText('path is required');

  // The URL: another scheme is flagged, then fixed.
  await refuseThenFix(page, 'URL', 'ws://feed', /^must be http:\/\/ or https:\/\//, 'https://feed.example.com/api');

  // A bearer token, masked and sent in secureJsonData only.
  await page.getByRole('radio', { name: 'Bearer token' }).click();
  await expect(page.getByText('required while the authentication is a bearer token')).toBeVisible();
  const token = page.getByLabel('Token', { exact: true });
  await token.fill('s3cret');
  await expect(token).toHaveAttribute('type', 'password');

  // A custom header: the name in jsonData, the value encrypted.
  await page.getByRole('button', { name: 'Add header' }).click();
  await expect(page.getByText(/^required: the header's name/)).toBeVisible();
  await enter(page, 'Header 1 name', 'X-Api-Key');
  await page.getByLabel('Header 1 value', { exact: true }).fill('k3y');
  expect(await json(page, 'emitted-secrets')).toEqual({ typed: ['bearerToken', 'httpHeaderValue1'], configured: {} });

  await page.getByRole('button', { name: 'Add allowed path' }).click();
  await page.getByLabel('Allowed path 1', { exact: true }).fill('/events/*/x');
  await expect(page.getByText('may have a * only at its end (a prefix), got "/events/*/x"')).toBeVisible();
  await enter(page, 'Allowed path 1', '/events/*');
  await enter(page, 'Maximum streams', '200');
  expect(await json(page, 'emitted-options')).toEqual({
    source: 'http',
    url: 'https://feed.example.com/api',
    httpHeaderName1: 'X-Api-Key',
    allowedTopics: ['/events/*'],
    maxStreams: 200,
  });

  // The query: a path outside the allowed ones is listed before it runs, then a valid one.
  const problemsBox = page.getByTestId('pulse-query-problems');
  await enter(page, 'Path', '/admin');
  await expect(problemsBox).toContainText(`path "/admin" is not covered by this data source's allowed paths`);
  await enter(page, 'Path', '/events/live?room=kitchen');
  await expect(problemsBox).toHaveCount(0);
  await page.getByRole('radio', { name: 'SSE' }).click();
  await enter(page, 'Event', 'reading');
  await enter(page, 'Time field', 'ts');
  await page.getByRole('button', { name: 'Add field' }).click();
  await enter(page, 'Field 1', 'celsius');
  await enter(page, 'Flush (ms)', '250');
  expect(await json(page, 'emitted-query')).toEqual({
    refId: 'A',
    withStreaming: true,
    path: '/events/live?room=kitchen',
    format: 'sse',
    event: 'reading',
    timeField: 'ts',
    fields: ['celsius'],
    flushMs: 250,
  });
  // Two paths, the format, the event, the time field, a field and the flush window.
  await expect(page.getByTestId('run-count')).toHaveText('7');

  await page.screenshot({ path: path.join(SHOTS, 'editors-http.png'), fullPage: true });
  await pass(page, problems, 'http', 'editors rendered, 7 query runs');
});

test('a WebSocket data source: basic authentication and a subscribe message', async ({ page }) => {
  const problems = await openSource(page, 'WebSocket', 'websocket');

  await refuseThenFix(page, 'URL', 'https://feed', /^must be ws:\/\/ or wss:\/\//, 'wss://feed.example.com/ws');
  await page.getByRole('radio', { name: 'Basic' }).click();
  await enter(page, 'User', 'grafana');
  await page.getByLabel('Password', { exact: true }).fill('s3cret');
  await page.locator('#pulse-websocket-tlsSkipVerify + label').click();
  expect(await json(page, 'emitted-options')).toEqual({
    source: 'websocket',
    url: 'wss://feed.example.com/ws',
    basicAuthUser: 'grafana',
    tlsSkipVerify: true,
  });
  expect(await json(page, 'emitted-secrets')).toEqual({ typed: ['basicAuthPassword'], configured: {} });

  await enter(page, 'Path', '../prices');
  await expect(page.getByTestId('pulse-query-problems')).toContainText(
    "path must stay under the data source's URL, but .. climbs above it"
  );
  await enter(page, 'Path', '/prices');
  await enter(page, 'Subscribe message', '{"op": "subscribe", "channel": "btc-usd"}');
  await enter(page, 'Time field', 'time');
  expect(await json(page, 'emitted-query')).toEqual({
    refId: 'A',
    withStreaming: true,
    path: '/prices',
    subscribeMessage: '{"op": "subscribe", "channel": "btc-usd"}',
    timeField: 'time',
  });
  await expect(page.getByTestId('pulse-query-problems')).toHaveCount(0);
  await expect(page.getByTestId('run-count')).toHaveText('4');

  await pass(page, problems, 'websocket', 'editors rendered, 4 query runs');
});

test('a NATS data source: servers, a credentials file, subjects and a wildcard query', async ({ page }) => {
  const problems = await openSource(page, 'NATS', 'nats');

  await refuseThenFix(
    page,
    'Servers',
    'nats://a:4222,tls://b:4222',
    'lists nats:// and tls:// servers: use one scheme for all of them',
    'nats://nats-1:4222,nats://nats-2:4222'
  );
  await page.getByRole('radio', { name: 'Credentials file' }).click();
  await expect(page.getByText('required while the authentication is “Credentials file”')).toBeVisible();
  await page
    .getByLabel('Credentials', { exact: true })
    .fill(
      '-----BEGIN NATS USER JWT-----\neyJ0eXAiOiJKV1QifQ\n------END NATS USER JWT------\n-----BEGIN USER NKEY SEED-----\nSUAM\n------END USER NKEY SEED------'
    );
  await expect(page.getByText('required while the authentication is “Credentials file”')).toHaveCount(0);
  await page.getByRole('button', { name: 'Add allowed subject' }).click();
  await enter(page, 'Allowed subject 1', 'plant.>');
  expect(await json(page, 'emitted-options')).toEqual({
    source: 'nats',
    url: 'nats://nats-1:4222,nats://nats-2:4222',
    authType: 'credentials',
    allowedTopics: ['plant.>'],
  });
  expect(await json(page, 'emitted-secrets')).toEqual({ typed: ['credentials'], configured: {} });

  const problemsBox = page.getByTestId('pulse-query-problems');
  await enter(page, 'Subject', 'plant..temp');
  await expect(problemsBox).toContainText('subject must not have an empty token');
  await enter(page, 'Subject', 'office.temp');
  await expect(problemsBox).toContainText(
    `subject "office.temp" is not covered by this data source's allowed subjects`
  );
  await enter(page, 'Subject', 'plant.*.temp');
  await expect(problemsBox).toHaveCount(0);
  await enter(page, 'Time field', 'ts');
  await page.getByRole('button', { name: 'Add field' }).click();
  await enter(page, 'Field 1', 'celsius');
  expect(await json(page, 'emitted-query')).toEqual({
    refId: 'A',
    withStreaming: true,
    subject: 'plant.*.temp',
    timeField: 'ts',
    fields: ['celsius'],
  });
  await expect(page.getByTestId('run-count')).toHaveText('5');

  await pass(page, problems, 'nats', 'editors rendered, 5 query runs');
});
