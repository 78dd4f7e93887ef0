import { expect, test } from '@grafana/plugin-e2e';

import {
  expectSaveAndTestFails,
  type FeedOptions,
  HTTP_DATASOURCE_FILE,
  HTTP_DATASOURCE_NAME,
  NATS_DATASOURCE_FILE,
  NATS_DATASOURCE_NAME,
  WEBSOCKET_DATASOURCE_FILE,
  WEBSOCKET_DATASOURCE_NAME,
} from './pulse';

// docker compose runs the demo feed (backend/testkit/cmd/pulse-demofeed) as service demofeed, its
// HTTP listener on 8090 (Server-Sent Events, NDJSON, WebSocket), and the NATS server as service
// nats, anonymous on 4222 with JetStream (docker-compose.yaml, .config/nats/nats-server.conf).
// Nothing listens on 8091 or 4223: a host that resolves, on a port nothing serves.

/** Each provisioned data source on a sink of the demo feed, and one of its kind that cannot connect. */
const SOURCES: Array<{
  source: 'http' | 'websocket' | 'nats';
  file: string;
  name: string;
  url: string;
  allowedTopics: string[];
  refused: FeedOptions;
}> = [
  {
    source: 'http',
    file: HTTP_DATASOURCE_FILE,
    name: HTTP_DATASOURCE_NAME,
    url: 'http://demofeed:8090',
    allowedTopics: ['/sse/*', '/ndjson/*'],
    refused: { source: 'http', url: 'http://demofeed:8091', allowedTopics: ['/sse/*'] },
  },
  {
    source: 'websocket',
    file: WEBSOCKET_DATASOURCE_FILE,
    name: WEBSOCKET_DATASOURCE_NAME,
    url: 'ws://demofeed:8090',
    allowedTopics: ['/ws/*'],
    refused: { source: 'websocket', url: 'ws://demofeed:8091', allowedTopics: ['/ws/*'] },
  },
  {
    source: 'nats',
    file: NATS_DATASOURCE_FILE,
    name: NATS_DATASOURCE_NAME,
    url: 'nats://nats:4222',
    allowedTopics: ['home.>'],
    refused: { source: 'nats', url: 'nats://nats:4223', authType: 'none', allowedTopics: ['home.>'] },
  },
];

for (const s of SOURCES) {
  test.describe(`${s.source} data source`, () => {
    test(`the provisioned "${s.name}" passes Save & test against the compose service`, async ({
      readProvisionedDataSource,
      gotoDataSourceConfigPage,
    }) => {
      const ds = await readProvisionedDataSource<FeedOptions>({ fileName: s.file, name: s.name });
      expect(ds.jsonData.source).toBe(s.source);
      expect(ds.jsonData.url).toBe(s.url);
      expect(ds.jsonData.allowedTopics).toEqual(s.allowedTopics);
      const configPage = await gotoDataSourceConfigPage(ds.uid);

      await expect(configPage.saveAndTest()).toBeOK();
      await expect(configPage).toHaveAlert('success');
    });

    test(`Save & test fails, saying so, where nothing accepts connections (${s.refused.url})`, async ({
      createDataSource,
      gotoDataSourceConfigPage,
      request,
    }) => {
      // Saving through the editor keeps the settings.
      await expectSaveAndTestFails(
        { createDataSource, gotoDataSourceConfigPage, request },
        `${s.name} (nothing there)`,
        s.refused,
        /refused/i,
        { source: s.source, url: s.refused.url }
      );
    });
  });
}
