import { expect, test } from '@grafana/plugin-e2e';

import { expectSaveAndTestFails, MQTT_DATASOURCE_FILE, MQTT_DATASOURCE_NAME, type MqttOptions } from './pulse';

// docker compose runs the broker as service mosquitto, anonymous MQTT on 1883 (docker-compose.yaml,
// .config/mosquitto/mosquitto.conf); nothing listens on 1884.

/** A data source that is not provisioned: a broker host that resolves, on a port nothing serves. */
const NO_BROKER_NAME = 'Pulse MQTT (no broker)';
const NO_BROKER_URI = 'tcp://mosquitto:1884';

test.describe('MQTT data source', () => {
  test('the provisioned "Pulse MQTT" passes Save & test, connected to the compose broker', async ({
    readProvisionedDataSource,
    gotoDataSourceConfigPage,
  }) => {
    const ds = await readProvisionedDataSource<MqttOptions>({
      fileName: MQTT_DATASOURCE_FILE,
      name: MQTT_DATASOURCE_NAME,
    });
    expect(ds.jsonData.source).toBe('mqtt');
    const configPage = await gotoDataSourceConfigPage(ds.uid);

    await expect(configPage.saveAndTest()).toBeOK();
    // docs/mqtt.md, "Health check": the broker's address and version, then what the data source follows.
    await expect(configPage).toHaveAlert('success', {
      hasText: `Connected to the MQTT broker at ${ds.jsonData.uri} (MQTT 3.1.1).`,
    });
  });

  test('Save & test says in plain words that nothing accepts connections where the broker should be', async ({
    createDataSource,
    gotoDataSourceConfigPage,
    request,
  }) => {
    // backend/streaming/source/mqtt/health.go: the reason first, then what to check. Saving through
    // the editor keeps the MQTT settings it does not show.
    await expectSaveAndTestFails(
      { createDataSource, gotoDataSourceConfigPage, request },
      NO_BROKER_NAME,
      { source: 'mqtt', uri: NO_BROKER_URI, allowedTopics: ['home/#'] },
      /connection refused: nothing accepts connections at mosquitto:1884; check the host and port in uri/,
      { source: 'mqtt', uri: NO_BROKER_URI }
    );
  });
});
