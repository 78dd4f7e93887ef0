import React, { ChangeEvent } from 'react';
import { SelectableValue } from '@grafana/data';
import { FieldSet, InlineField, InlineSwitch, RadioButtonGroup, SecretInput, SecretTextArea, Text } from '@grafana/ui';

import { filterProblem } from '../../mqtt/topic';
import { uriProblem, usesTLS } from '../../mqtt/uri';
import {
  MQTT_LIMITS,
  MQTT_OPTION_BOUNDS,
  MQTT_PROTOCOL_VERSIONS,
  MqttOptionField,
  MqttProtocolVersion,
  PulseOptions,
  SecureField,
} from '../../types';
import { NumberField, NumberFieldValue } from '../NumberField';
import { StringListEditor } from '../StringListEditor';
import { TextField } from '../TextField';
import { ConfigProps } from './types';

const LABEL_WIDTH = 26;
const INPUT_WIDTH = 48;

const VERSION_OPTIONS: Array<SelectableValue<MqttProtocolVersion>> = MQTT_PROTOCOL_VERSIONS.map((v) => ({
  value: v,
  label: v === '5' ? 'MQTT 5' : `MQTT ${v}`,
}));

type TextOption = 'uri' | 'clientID' | 'username';
type FlagOption = 'tlsSkipVerify' | 'tlsAuthWithCACert' | 'tlsAuth';

/** An MQTT data source's settings: the broker connection, its secrets, topics and history. */
/** The history and limit settings, in the order the editor shows them. */
const LIMIT_FIELDS: Array<{ key: MqttOptionField; label: string; tooltip: string }> = [
  {
    key: 'historyMaxRows',
    label: 'History rows per topic',
    tooltip:
      'The most rows one topic filter keeps as recent history, which fills a refreshed panel, a late viewer and an alert rule.',
  },
  {
    key: 'historyMaxBytes',
    label: 'History bytes per topic',
    tooltip: "Roughly the most memory one topic filter's history takes, in bytes (64 KiB to 1 GiB; 4 MiB by default).",
  },
  {
    key: 'lingerSeconds',
    label: 'Linger (s)',
    tooltip:
      "How long a topic filter is still followed after its last stream stopped or a query last read it. Keep it above your alert rules' evaluation interval.",
  },
  {
    key: 'maxStreams',
    label: 'Maximum streams',
    tooltip:
      'The most channels this data source streams at once, and the most topic filters it follows at once; a viewer or query beyond it is refused.',
  },
];

export function MqttConfig({ options, onOptionsChange }: ConfigProps) {
  const jsonData = options.jsonData;
  const setJson = (patch: Partial<PulseOptions>) => {
    const next: PulseOptions = { ...jsonData, ...patch };
    // A cleared setting is dropped, so the backend's default applies.
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) {
        delete next[key as keyof PulseOptions];
      }
    }
    onOptionsChange({ ...options, jsonData: next });
  };
  const setText = (field: TextOption) => (value: string | undefined) => setJson({ [field]: value });
  const setNumber = (field: MqttOptionField) => (value: NumberFieldValue) =>
    setJson({ [field]: typeof value === 'number' ? value : undefined });
  const setFlag = (field: FlagOption) => (e: React.FormEvent<HTMLInputElement>) =>
    setJson({ [field]: e.currentTarget.checked });

  // Secrets: Grafana sends back only whether each is set (secureJsonFields), never its value.
  const isSet = (field: SecureField) => options.secureJsonFields?.[field] === true;
  const setSecret = (field: SecureField, value: string) =>
    onOptionsChange({ ...options, secureJsonData: { ...options.secureJsonData, [field]: value } });
  const resetSecret = (field: SecureField) =>
    onOptionsChange({
      ...options,
      secureJsonFields: { ...options.secureJsonFields, [field]: false },
      secureJsonData: { ...options.secureJsonData, [field]: '' },
    });
  const missing = (field: SecureField) => !isSet(field) && (options.secureJsonData?.[field] ?? '').trim() === '';
  const secretArea = (field: SecureField, label: string, placeholder: string, tooltip: string, required: boolean) => {
    const id = `pulse-mqtt-${field}`;
    const error = required && missing(field) ? `required while “${label}” is read` : undefined;
    return (
      <InlineField
        label={label}
        labelWidth={LABEL_WIDTH}
        tooltip={tooltip}
        htmlFor={id}
        invalid={!!error}
        error={error}
      >
        <SecretTextArea
          id={id}
          data-testid={id}
          cols={INPUT_WIDTH + 12}
          rows={5}
          placeholder={placeholder}
          isConfigured={isSet(field)}
          value={options.secureJsonData?.[field] ?? ''}
          onChange={(e: ChangeEvent<HTMLTextAreaElement>) => setSecret(field, e.currentTarget.value)}
          onReset={() => resetSecret(field)}
        />
      </InlineField>
    );
  };

  const tls = usesTLS(jsonData.uri);
  const streams = jsonData.maxStreams ?? MQTT_OPTION_BOUNDS.maxStreams.default;
  const bytes = jsonData.historyMaxBytes ?? MQTT_OPTION_BOUNDS.historyMaxBytes.default;

  return (
    <div data-testid="pulse-config-mqtt">
      <FieldSet label="Connection">
        <TextField
          id="pulse-mqtt-uri"
          label="URI"
          labelWidth={LABEL_WIDTH}
          width={INPUT_WIDTH}
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
            onChange={(value) => setJson({ protocolVersion: value })}
          />
        </InlineField>
        <TextField
          id="pulse-mqtt-clientID"
          label="Client ID"
          labelWidth={LABEL_WIDTH}
          width={INPUT_WIDTH}
          tooltip="Leave it empty unless the broker requires one: Pulse then makes a new one (pulse- and 16 hexadecimal digits) each time it opens the data source. Two connections with one client ID take the broker's session from each other, so a fixed one must differ between Grafana instances."
          placeholder="a new one per connection"
          value={jsonData.clientID}
          onCommit={setText('clientID')}
        />
      </FieldSet>

      <FieldSet label="Authentication">
        <TextField
          id="pulse-mqtt-username"
          label="Username"
          labelWidth={LABEL_WIDTH}
          width={INPUT_WIDTH}
          tooltip="The MQTT user name; empty connects without one."
          placeholder="none"
          value={jsonData.username}
          onCommit={setText('username')}
        />
        <InlineField
          label="Password"
          labelWidth={LABEL_WIDTH}
          htmlFor="pulse-mqtt-password"
          tooltip="Sent only with a username (MQTT 3.1.1 allows no password without one). Grafana stores it encrypted and never shows it again."
        >
          <SecretInput
            id="pulse-mqtt-password"
            data-testid="pulse-mqtt-password"
            width={INPUT_WIDTH}
            placeholder="none"
            autoComplete="new-password"
            isConfigured={isSet('password')}
            value={options.secureJsonData?.password ?? ''}
            onChange={(e) => setSecret('password', e.currentTarget.value)}
            onReset={() => resetSecret('password')}
          />
        </InlineField>
      </FieldSet>

      <FieldSet label="TLS">
        <Text color="secondary" element="p">
          {tls === false
            ? 'Read for ssl://, tls://, mqtts:// and wss:// addresses only: this URI is not one, so these settings are ignored.'
            : 'Read for ssl://, tls://, mqtts:// and wss:// addresses only. The broker’s certificate is checked against the host in the URI.'}
        </Text>
        <InlineField
          label="Skip TLS verification"
          labelWidth={LABEL_WIDTH}
          htmlFor="pulse-mqtt-tlsSkipVerify"
          tooltip="Accept any broker certificate: for testing only."
        >
          <InlineSwitch
            id="pulse-mqtt-tlsSkipVerify"
            aria-label="Skip TLS verification"
            value={jsonData.tlsSkipVerify === true}
            onChange={setFlag('tlsSkipVerify')}
          />
        </InlineField>
        <InlineField
          label="With CA certificate"
          labelWidth={LABEL_WIDTH}
          htmlFor="pulse-mqtt-tlsAuthWithCACert"
          tooltip="Trust the broker's certificate when this CA signed it, instead of the system's CAs."
        >
          <InlineSwitch
            id="pulse-mqtt-tlsAuthWithCACert"
            aria-label="With CA certificate"
            value={jsonData.tlsAuthWithCACert === true}
            onChange={setFlag('tlsAuthWithCACert')}
          />
        </InlineField>
        {jsonData.tlsAuthWithCACert === true &&
          secretArea(
            'tlsCACert',
            'CA certificate',
            '-----BEGIN CERTIFICATE-----',
            "The PEM certificate of the CA that signed the broker's.",
            true
          )}
        <InlineField
          label="With client certificate"
          labelWidth={LABEL_WIDTH}
          htmlFor="pulse-mqtt-tlsAuth"
          tooltip="Present a client certificate to the broker."
        >
          <InlineSwitch
            id="pulse-mqtt-tlsAuth"
            aria-label="With client certificate"
            value={jsonData.tlsAuth === true}
            onChange={setFlag('tlsAuth')}
          />
        </InlineField>
        {jsonData.tlsAuth === true && (
          <>
            {secretArea(
              'tlsClientCert',
              'Client certificate',
              '-----BEGIN CERTIFICATE-----',
              "The client's PEM certificate.",
              true
            )}
            {secretArea(
              'tlsClientKey',
              'Client key',
              'the key in PEM, -----BEGIN … KEY----- to its END line',
              "The client certificate's PEM private key.",
              true
            )}
          </>
        )}
      </FieldSet>

      <FieldSet label="Topics">
        <InlineField
          label="Allowed topics"
          labelWidth={LABEL_WIDTH}
          tooltip="The topic filters this data source's queries may read: a query's topic must be covered by one of them (plant/# covers plant/+/temp). None allows any topic."
        >
          <StringListEditor
            id="pulse-mqtt-allowedTopics"
            itemLabel="Allowed topic"
            addLabel="Add allowed topic"
            placeholder="plant/#"
            width={INPUT_WIDTH - 4}
            values={jsonData.allowedTopics}
            validate={(filter) => filterProblem(filter, { allowShared: true })}
            validateList={(list) =>
              list.length > MQTT_LIMITS.allowedTopics
                ? `at most ${MQTT_LIMITS.allowedTopics.toLocaleString('en-US')} topic filters, got ${list.length.toLocaleString('en-US')}`
                : undefined
            }
            onCommit={(list) => setJson({ allowedTopics: list.length > 0 ? list : undefined })}
          />
        </InlineField>
        {(jsonData.allowedTopics ?? []).length === 0 && (
          <Text color="secondary" element="p">
            No allowed topics: queries may read any topic.
          </Text>
        )}
      </FieldSet>

      <FieldSet label="History and limits">
        {LIMIT_FIELDS.map(({ key, label, tooltip }) => (
          <NumberField
            key={key}
            id={`pulse-mqtt-${key}`}
            label={label}
            labelWidth={LABEL_WIDTH}
            tooltip={tooltip}
            bounds={MQTT_OPTION_BOUNDS[key]}
            value={jsonData[key]}
            onCommit={setNumber(key)}
          />
        ))}
        <Text color="secondary" element="p" data-testid="pulse-mqtt-memory">
          {`At most ${streams.toLocaleString('en-US')} histories of ${formatBytes(bytes)} each: up to ${formatBytes(streams * bytes)} of memory.`}
        </Text>
      </FieldSet>
    </div>
  );
}

/** Bytes in binary units, as the docs write them: 4 MiB, 3.9 GiB. */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const rounded = Math.round(value * 10) / 10;
  return `${rounded.toLocaleString('en-US')} ${units[unit]}`;
}
