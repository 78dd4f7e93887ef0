import type { APIRequestContext, Locator, Page, Request, Response } from '@playwright/test';
import {
  type CreateDataSourceArgs,
  type Dashboard,
  type DashboardPage,
  type DataSourceConfigPage,
  type E2ESelectorGroups,
  type DataSourceSettings,
  expect,
  type ReadProvisionedDashboardArgs,
  test,
} from '@grafana/plugin-e2e';
import type { DataSourceJsonData } from '@grafana/data';
import type { DataQuery } from '@grafana/schema';

import type { PulseQuery } from '../src/types';

// What the e2e tests rely on in provisioning/ (checked by .config/composecheck's tests too).

/** The plugin id, as src/plugin.json states it. */
export const PLUGIN_ID = 'pulse-streaming-datasource';
/** provisioning/datasources/ file and name of the provisioned data source. */
export const DATASOURCE_FILE = 'pulse.yaml';
export const DATASOURCE_NAME = 'Pulse';
/** provisioning/dashboards/ file of the live dashboard (uid pulse-live). */
export const DASHBOARD_FILE = 'pulse-live.json';

/** provisioning/datasources/ file and name of the MQTT data source on the compose file's broker. */
export const MQTT_DATASOURCE_FILE = 'pulse-mqtt.yaml';
export const MQTT_DATASOURCE_NAME = 'Pulse MQTT';
/** provisioning/dashboards/ file of the MQTT dashboard (uid pulse-mqtt). */
export const MQTT_DASHBOARD_FILE = 'pulse-mqtt.json';

/** provisioning/ files, names and dashboards of the data sources on the demo feed's other sinks. */
export const HTTP_DATASOURCE_FILE = 'pulse-http.yaml';
export const HTTP_DATASOURCE_NAME = 'Pulse HTTP';
export const HTTP_DASHBOARD_FILE = 'pulse-http.json';
export const WEBSOCKET_DATASOURCE_FILE = 'pulse-websocket.yaml';
export const WEBSOCKET_DATASOURCE_NAME = 'Pulse WebSocket';
export const WEBSOCKET_DASHBOARD_FILE = 'pulse-websocket.json';
export const NATS_DATASOURCE_FILE = 'pulse-nats.yaml';
export const NATS_DATASOURCE_NAME = 'Pulse NATS';
export const NATS_DASHBOARD_FILE = 'pulse-nats.json';

/** The settings of an HTTP, WebSocket or NATS data source, as far as the tests read them. */
export interface FeedOptions extends DataSourceJsonData {
  source?: 'http' | 'websocket' | 'nats';
  url?: string;
  authType?: string;
  allowedTopics?: string[];
}

/** A query of an HTTP, WebSocket or NATS data source. */
export interface FeedQuery extends DataQuery {
  /** HTTP and WebSocket: the path under the data source's url. */
  path?: string;
  /** HTTP: how the body is read. */
  format?: 'auto' | 'sse' | 'ndjson';
  /** HTTP, Server-Sent Events: the event type to keep. */
  event?: string;
  /** WebSocket: sent once the socket is open. */
  subscribeMessage?: string;
  /** NATS: the subject or subject filter. */
  subject?: string;
  withStreaming?: boolean;
  timeField?: string;
  fields?: string[];
  flushMs?: number;
}

/** An MQTT data source's settings (docs/mqtt.md, "Settings"), as far as the tests read them. */
export interface MqttOptions extends DataSourceJsonData {
  source?: 'mqtt' | 'signals';
  uri?: string;
  allowedTopics?: string[];
}

/** A query of an MQTT data source (docs/mqtt.md, "Query"). */
export interface MqttQuery extends DataQuery {
  topic?: string;
  withStreaming?: boolean;
  timeField?: string;
  fields?: string[];
  flushMs?: number;
}

/** The Pulse queries a request to /api/ds/query carries; empty for any other request. */
export function pulseQueries<Q extends DataQuery = PulseQuery>(request: Request): Q[] {
  if (!request.url().includes('/api/ds/query') || request.method() !== 'POST') {
    return [];
  }
  const body = request.postDataJSON() as { queries?: Q[] } | null;
  return (body?.queries ?? []).filter((q) => q.datasource?.type === PLUGIN_ID);
}

/** One frame of a /api/ds/query answer, as Grafana encodes it. */
export interface FrameJSON {
  schema?: {
    name?: string;
    fields?: Array<{ name: string; type?: string; labels?: Record<string, string> }>;
    meta?: { channel?: string };
  };
  data?: { values?: unknown[][] };
}

/** The frames of query refId in a /api/ds/query answer; fails when the query failed. */
export async function framesOf(response: Response, refId: string): Promise<FrameJSON[]> {
  const body = await response.json();
  const result = body?.results?.[refId];
  if (result?.error) {
    throw new Error(`query ${refId} failed: ${result.error}`);
  }
  return result?.frames ?? [];
}

/**
 * The number a stat panel shows, or NaN while it shows none. Reads without waiting, so it can
 * be polled.
 */
export async function shownNumber(content: Locator): Promise<number> {
  const texts = await content.allInnerTexts();
  const digits = texts.join(' ').replace(/[^0-9.-]/g, '');
  return digits === '' ? NaN : Number(digits);
}

/** The page's window, with the marker a spec sets to tell a reload from a change in place. */
type MarkedWindow = Window & { pulseE2EMarker?: string };

/**
 * Marks the page's window and notes every document the page loads from now on, so that a spec can
 * check, with the function returned, that the page was not reloaded: no document loaded, the mark
 * still there, still on the same path. Grafana may change the URL in place (history API).
 */
export async function watchForReload(page: Page): Promise<() => Promise<void>> {
  const marker = `pulse-${Date.now()}`;
  await page.evaluate((value) => {
    (window as MarkedWindow).pulseE2EMarker = value;
  }, marker);
  const documents: string[] = [];
  page.on('request', (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
      documents.push(request.url());
    }
  });
  const path = new URL(page.url()).pathname;
  return async () => {
    expect(documents, 'no document was loaded: the page was not reloaded').toEqual([]);
    expect(await page.evaluate(() => (window as MarkedWindow).pulseE2EMarker), 'the window survived').toBe(marker);
    expect(new URL(page.url()).pathname, 'still on the dashboard').toBe(path);
  };
}

/** Polls the number a panel shows until it took `changes` new values, and returns the values seen. */
export async function watchChanges(
  content: Locator,
  changes: number,
  timeout: number,
  message: string
): Promise<number[]> {
  const seen: number[] = [];
  await expect
    .poll(
      async () => {
        const value = await shownNumber(content);
        if (!Number.isNaN(value) && value !== seen[seen.length - 1]) {
          seen.push(value);
        }
        return seen.length;
      },
      { timeout, intervals: [100], message }
    )
    .toBeGreaterThanOrEqual(changes + 1);
  return seen;
}

/** The provisioned dashboard as its file has it: readProvisionedDashboard returns all of it. */
export interface DashboardJSON<Q extends DataQuery = DataQuery> {
  uid: string;
  panels?: Array<{ title?: string; targets?: Q[] }>;
}

/** The one query of the panel titled `title`, failing when it has none or more. */
export function onlyQueryOf<Q extends DataQuery>(dashboard: DashboardJSON<Q>, file: string, title: string): Q {
  const targets = dashboard.panels?.find((p) => p.title === title)?.targets ?? [];
  expect(targets, `${file} has a panel "${title}" with one query`).toHaveLength(1);
  return targets[0];
}

/**
 * Checks that the stat panel whose content is `content` moves with its stream alone: it shows a
 * room temperature, changes at least three times, each change a small step, without the page
 * reloading. `sentAgain` reads the Pulse queries sent again since it was last cleared, which must
 * stay empty: streaming panels get their rows through Grafana Live.
 */
export async function expectStatStreams(
  page: Page,
  content: Locator,
  title: string,
  sentAgain: { clear(): void; read(): string[] }
): Promise<void> {
  await expect(content, `"${title}" shows a number`).toHaveText(/\d/, { timeout: 30_000 });
  const first = await shownNumber(content);
  expect(first, 'a room temperature in °C').toBeGreaterThan(-20);
  expect(first, 'a room temperature in °C').toBeLessThan(60);
  await expect
    .poll(() => shownNumber(content), { timeout: 15_000, message: `"${title}" should start moving` })
    .not.toBe(first);

  const notReloaded = await watchForReload(page);
  sentAgain.clear();
  const seen = await watchChanges(content, 3, 15_000, `"${title}" should change at least 3 times`);
  for (let i = 1; i < seen.length; i++) {
    expect(Math.abs(seen[i] - seen[i - 1]), `from ${seen[i - 1]} to ${seen[i]}`).toBeLessThan(3);
  }
  await notReloaded();
  expect(sentAgain.read(), 'no query was sent again').toEqual([]);
}

/**
 * Notes every Pulse query the page sends from now on; what it returns tells the queries sent a
 * second time (a re-query) since the last clear, and how often a query was sent in all.
 */
export function watchQueries<Q extends DataQuery>(
  page: Page,
  key: (q: Q) => string
): { clear(): void; read(): string[]; count(k: string): number } {
  const sent = new Map<string, number>();
  let again: string[] = [];
  page.on('request', (request) => {
    for (const k of pulseQueries<Q>(request).map(key)) {
      if (sent.has(k)) {
        again.push(k);
      }
      sent.set(k, (sent.get(k) ?? 0) + 1);
    }
  });
  return {
    clear: () => {
      again = [];
    },
    read: () => again,
    count: (k) => sent.get(k) ?? 0,
  };
}

/** A predicate for the /api/ds/query answer that carries query `q`, queries told apart by `key`. */
export function answerTo<Q extends DataQuery>(q: Q, key: (q: Q) => string): (response: Response) => boolean {
  return (response) => pulseQueries<Q>(response.request()).some((sent) => key(sent) === key(q));
}

/** The content of the panel titled `title`: for a stat panel, the value it shows. */
export function panelContent(dashboardPage: DashboardPage, selectors: E2ESelectorGroups, title: string): Locator {
  const panel = dashboardPage.getPanelByTitle(title);
  return dashboardPage.getByGrafanaSelector(selectors.components.Panels.Panel.content, { root: panel.locator });
}

/** The provisioned dashboard `file` and the one query of its panel titled `title`. */
export async function provisionedQuery<Q extends DataQuery>(
  readProvisionedDashboard: (args: ReadProvisionedDashboardArgs) => Promise<Dashboard>,
  file: string,
  title: string
): Promise<{ dashboard: DashboardJSON<Q>; query: Q }> {
  const dashboard: DashboardJSON<Q> = await readProvisionedDashboard({ fileName: file });
  return { dashboard, query: onlyQueryOf(dashboard, file, title) };
}

/**
 * A test, named `name`, that opens the provisioned dashboard `file`, whose stat panel `title` has
 * one feed query that `check` checks, and checks that the panel moves with its stream alone
 * (expectStatStreams).
 */
export function testPanelStreams(name: string, file: string, title: string, check: (query: FeedQuery) => void): void {
  test(name, async ({ gotoDashboardPage, readProvisionedDashboard, selectors, page }) => {
    const { dashboard, query } = await provisionedQuery<FeedQuery>(readProvisionedDashboard, file, title);
    check(query);
    const sentAgain = watchQueries<FeedQuery>(page, feedQueryKey);
    const dashboardPage = await gotoDashboardPage({ uid: dashboard.uid });
    await expectStatStreams(page, panelContent(dashboardPage, selectors, title), title, sentAgain);
  });
}

/** What tells a feed query apart as it is sent (Grafana adds fields of its own). */
export function feedQueryKey(q: FeedQuery): string {
  return JSON.stringify([
    q.refId,
    q.path ?? q.subject,
    q.format,
    q.event,
    q.fields ?? [],
    q.timeField,
    Boolean(q.withStreaming),
  ]);
}

/**
 * Makes a Pulse data source named `name` with `jsonData` through the API (so that the spec does not
 * depend on the editor's layout; one of the same name left by an earlier run is replaced), checks
 * that its Save & test fails with an error alert matching `hasText` and that saving through the
 * editor kept `kept` of its jsonData, and deletes it afterwards, whatever the outcome.
 */
export async function expectSaveAndTestFails(
  fixtures: {
    createDataSource: (args: CreateDataSourceArgs) => Promise<DataSourceSettings>;
    gotoDataSourceConfigPage: (uid: string) => Promise<DataSourceConfigPage>;
    request: APIRequestContext;
  },
  name: string,
  jsonData: FeedOptions | MqttOptions,
  hasText: RegExp,
  kept: Record<string, unknown>
): Promise<void> {
  const { createDataSource, gotoDataSourceConfigPage, request } = fixtures;
  const ds = await createDataSource({ type: PLUGIN_ID, name, jsonData });
  try {
    const configPage = await gotoDataSourceConfigPage(ds.uid);
    await expect(configPage.saveAndTest()).not.toBeOK();
    await expect(configPage).toHaveAlert('error', { hasText });
    const saved = await request.get(`/api/datasources/uid/${ds.uid}`);
    expect(saved.ok()).toBe(true);
    expect((await saved.json()).jsonData).toMatchObject(kept);
  } finally {
    await request.delete(`/api/datasources/uid/${ds.uid}`);
  }
}
