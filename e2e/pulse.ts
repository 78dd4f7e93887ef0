import type { Locator, Request } from '@playwright/test';

import type { PulseQuery } from '../src/types';

// What the e2e tests rely on in provisioning/ (checked by .config/composecheck's tests too).

/** The plugin id, as src/plugin.json states it. */
export const PLUGIN_ID = 'pulse-streaming-datasource';
/** provisioning/datasources/ file and name of the provisioned data source. */
export const DATASOURCE_FILE = 'pulse.yaml';
export const DATASOURCE_NAME = 'Pulse';
/** provisioning/dashboards/ file of the live dashboard (uid pulse-live). */
export const DASHBOARD_FILE = 'pulse-live.json';

/** The Pulse queries a request to /api/ds/query carries; empty for any other request. */
export function pulseQueries(request: Request): PulseQuery[] {
  if (!request.url().includes('/api/ds/query') || request.method() !== 'POST') {
    return [];
  }
  const body = request.postDataJSON() as { queries?: PulseQuery[] } | null;
  return (body?.queries ?? []).filter((q) => q.datasource?.type === PLUGIN_ID);
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
