import type { Locator, Page, Request, Response } from '@playwright/test';
import { expect } from '@grafana/plugin-e2e';
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
