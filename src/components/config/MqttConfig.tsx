import React from 'react';
import { SelectableValue } from '@grafana/data';
import { FieldSet, InlineField, RadioButtonGroup } from '@grafana/ui';

import { filterProblem } from '../../mqtt/topic';
import { uriProblem, usesTLS } from '../../mqtt/uri';
import { MQTT_LIMITS, MQTT_PROTOCOL_VERSIONS, MqttProtocolVersion } from '../../types';
import { AllowedTargets, HistoryAndLimits, LABEL_WIDTH, SecretField, SettingField, TlsSettings } from './FeedParts';
import { settingsEditor } from './settings';
import { ConfigProps } from './types';

export { formatBytes } from './FeedParts';

const VERSION_OPTIONS: Array<SelectableValue<MqttProtocolVersion>> = MQTT_PROTOCOL_VERSIONS.map((v) => ({
  value: v,
  label: v === '5' ? 'MQTT 5' : `MQTT ${v}`,
}));

type TextOption = 'uri' | 'clientID' | 'username';

/** An MQTT data source's settings: the broker connection, its secrets, topics and history. */
export function MqttConfig(props: ConfigProps) {
  const editor = settingsEditor(props);
  const { jsonData } = editor;
  const setText = (field: TextOption) => (value: string | undefined) => editor.setJson({ [field]: value });
  const tls = usesTLS(jsonData.uri);

  return (
    <div data-testid="pulse-config-mqtt">
      <FieldSet label="Connection">
        <SettingField
          id="pulse-mqtt-uri"
          label="URI"
          tooltip="The broker's address: tcp:// or mqtt:// for MQTT over TCP (port 1883), ssl://, tls:// or mqtts:// over TLS (8883), ws:// and wss:// over websockets (80, 443). A websocket address keeps its path."
          placeholder="tcp://broker:1883"
          value={jsonData.uri}
          validate={(text) => (text.trim() === '' ? undefined : uriProblem(text))}
          onCommit={setText('uri')}
        />
        <InlineField label="Protocol version" labelWidth={LABEL_WIDTH} tooltip="The MQTT version spoken to the broker.">
          <RadioButtonGroup<MqttProtocolVersion>
            options={VERSION_OPTIONS}
            value={jsonData.protocolVersion ?? '3.1.1'}
            onChange={(value) => editor.setJson({ protocolVersion: value })}
          />
        </InlineField>
        <SettingField
          id="pulse-mqtt-clientID"
          label="Client ID"
          tooltip="Leave it empty unless the broker requires one: Pulse then makes a new one (pulse- and 16 hexadecimal digits) each time it opens the data source. Two connections with one client ID take the broker's session from each other, so a fixed one must differ between Grafana instances."
          placeholder="a new one per connection"
          value={jsonData.clientID}
          onCommit={setText('clientID')}
        />
      </FieldSet>

      <FieldSet label="Authentication">
        <SettingField
          id="pulse-mqtt-username"
          label="Username"
          tooltip="The MQTT user name; empty connects without one."
          placeholder="none"
          value={jsonData.username}
          onCommit={setText('username')}
        />
        <SecretField
          editor={editor}
          id="pulse-mqtt-password"
          field="password"
          label="Password"
          placeholder="none"
          tooltip="Sent only with a username (MQTT 3.1.1 allows no password without one). Grafana stores it encrypted and never shows it again."
        />
      </FieldSet>

      <TlsSettings
        editor={editor}
        idPrefix="pulse-mqtt"
        peer="broker"
        note={
          tls === false
            ? 'Read for ssl://, tls://, mqtts:// and wss:// addresses only: this URI is not one, so these settings are ignored.'
            : 'Read for ssl://, tls://, mqtts:// and wss:// addresses only. The broker’s certificate is checked against the host in the URI.'
        }
      />

      <AllowedTargets
        editor={editor}
        idPrefix="pulse-mqtt"
        legend="Topics"
        itemLabel="Allowed topic"
        what="topic filters"
        target="topic"
        tooltip="The topic filters this data source's queries may read: a query's topic must be covered by one of them (plant/# covers plant/+/temp). None allows any topic."
        placeholder="plant/#"
        validate={(filter) => filterProblem(filter, { allowShared: true })}
        max={MQTT_LIMITS.allowedTopics}
      />

      <HistoryAndLimits editor={editor} idPrefix="pulse-mqtt" unit="topic" what="topic filter" />
    </div>
  );
}
