import React, { ComponentProps } from 'react';
import { FieldSet, InlineField, InlineSwitch, SecretInput, SecretTextArea, Text } from '@grafana/ui';

import { MQTT_OPTION_BOUNDS, MqttOptionField, SecureField } from '../../types';
import { NumberField, NumberFieldValue } from '../NumberField';
import { StringListEditor } from '../StringListEditor';
import { TextField } from '../TextField';
import { SettingsEditor } from './settings';

// The parts every feed source's config editor shares: secrets, TLS, allowed targets, history and
// limits. Each source passes its own words (broker or server, topic, path or subject).

export const LABEL_WIDTH = 26;
export const INPUT_WIDTH = 48;

export interface SecretProps {
  editor: SettingsEditor;
  /** The input's id, also its data-testid. */
  id: string;
  field: SecureField;
  label: string;
  tooltip: string;
  placeholder: string;
  /** A multi-line secret (a PEM block, a .creds file) instead of a one-line one. */
  multiline?: boolean;
  /** Flag the secret when it is neither stored nor typed. */
  required?: boolean;
  /** What the required message says is read: "“CA certificate” is read" by default. */
  requiredWhile?: string;
  /** Why the typed secret would be refused, or undefined (a stored one is never seen). */
  validate?: (typed: string) => string | undefined;
}

function secretError(props: SecretProps): string | undefined {
  const { editor, field, label, required, requiredWhile, validate } = props;
  if (required && editor.missing(field)) {
    return `required while ${requiredWhile ?? `“${label}” is read`}`;
  }
  const typed = editor.typed(field);
  return typed !== '' && validate ? validate(typed) : undefined;
}

/**
 * A secret (a password, a token; with multiline a PEM block, a .creds file): shown as configured
 * once stored, never in clear.
 */
export function SecretField(props: SecretProps) {
  const { editor, id, field, label, tooltip, placeholder, multiline } = props;
  const error = secretError(props);
  const input = {
    id,
    'data-testid': id,
    placeholder,
    isConfigured: editor.isSet(field),
    value: editor.typed(field),
    onChange: (e: { currentTarget: { value: string } }) => editor.setSecret(field, e.currentTarget.value),
    onReset: () => editor.resetSecret(field),
  };
  return (
    <InlineField label={label} labelWidth={LABEL_WIDTH} tooltip={tooltip} htmlFor={id} invalid={!!error} error={error}>
      {multiline ? (
        <SecretTextArea {...input} cols={INPUT_WIDTH + 12} rows={5} />
      ) : (
        <SecretInput {...input} width={INPUT_WIDTH} autoComplete="new-password" />
      )}
    </InlineField>
  );
}

/** A settings text field at the width every config editor's fields have. */
export function SettingField(props: ComponentProps<typeof TextField>) {
  return <TextField labelWidth={LABEL_WIDTH} width={INPUT_WIDTH} {...props} />;
}

type TlsFlag = 'tlsSkipVerify' | 'tlsAuthWithCACert' | 'tlsAuth';

interface TlsProps {
  editor: SettingsEditor;
  /** The prefix of the inputs' ids: `<idPrefix>-tlsSkipVerify`… */
  idPrefix: string;
  /** When the TLS settings are read, in plain words, for the address the settings hold. */
  note: string;
  /** What the other end is called: "broker", "server". */
  peer: string;
}

/** The TLS settings under Grafana's names: skip verification, a CA certificate, a client certificate. */
export function TlsSettings({ editor, idPrefix, note, peer }: TlsProps) {
  const { jsonData } = editor;
  const flag = (field: TlsFlag, label: string, tooltip: string) => (
    <InlineField label={label} labelWidth={LABEL_WIDTH} htmlFor={`${idPrefix}-${field}`} tooltip={tooltip}>
      <InlineSwitch
        id={`${idPrefix}-${field}`}
        aria-label={label}
        value={jsonData[field] === true}
        onChange={(e: React.FormEvent<HTMLInputElement>) => editor.setJson({ [field]: e.currentTarget.checked })}
      />
    </InlineField>
  );
  const area = (field: SecureField, label: string, placeholder: string, tooltip: string) => (
    <SecretField
      editor={editor}
      id={`${idPrefix}-${field}`}
      field={field}
      label={label}
      placeholder={placeholder}
      tooltip={tooltip}
      multiline
      required
    />
  );
  return (
    <FieldSet label="TLS">
      <Text color="secondary" element="p">
        {note}
      </Text>
      {flag('tlsSkipVerify', 'Skip TLS verification', `Accept any ${peer} certificate: for testing only.`)}
      {flag(
        'tlsAuthWithCACert',
        'With CA certificate',
        `Trust the ${peer}'s certificate when this CA signed it, instead of the system's CAs.`
      )}
      {jsonData.tlsAuthWithCACert === true &&
        area(
          'tlsCACert',
          'CA certificate',
          '-----BEGIN CERTIFICATE-----',
          `The PEM certificate of the CA that signed the ${peer}'s.`
        )}
      {flag('tlsAuth', 'With client certificate', `Present a client certificate to the ${peer}.`)}
      {jsonData.tlsAuth === true && (
        <>
          {area('tlsClientCert', 'Client certificate', '-----BEGIN CERTIFICATE-----', "The client's PEM certificate.")}
          {area(
            'tlsClientKey',
            'Client key',
            'the key in PEM, -----BEGIN … KEY----- to its END line',
            "The client certificate's PEM private key."
          )}
        </>
      )}
    </FieldSet>
  );
}

interface AllowedProps {
  editor: SettingsEditor;
  idPrefix: string;
  /** The fieldset's legend: "Topics", "Paths", "Subjects". */
  legend: string;
  /** One entry: "Allowed topic"; the list's label is its plural. */
  itemLabel: string;
  /** What the entries are, in the list-size message: "topic filters", "path patterns". */
  what: string;
  /** What a query reads, in the empty-list note: "topic", "path", "subject". */
  target: string;
  tooltip: string;
  placeholder: string;
  validate: (entry: string) => string | undefined;
  /** The most entries the backend accepts. */
  max: number;
}

/** `allowedTopics`: what this data source's queries may read; none allows anything. */
export function AllowedTargets(props: AllowedProps) {
  const { editor, idPrefix, legend, itemLabel, what, target, tooltip, placeholder, validate, max } = props;
  const list = editor.jsonData.allowedTopics ?? [];
  const lower = itemLabel.charAt(0).toLowerCase() + itemLabel.slice(1);
  return (
    <FieldSet label={legend}>
      <InlineField label={`${itemLabel}s`} labelWidth={LABEL_WIDTH} tooltip={tooltip}>
        <StringListEditor
          id={`${idPrefix}-allowedTopics`}
          itemLabel={itemLabel}
          addLabel={`Add ${lower}`}
          placeholder={placeholder}
          width={INPUT_WIDTH - 4}
          values={editor.jsonData.allowedTopics}
          validate={validate}
          validateList={(entries) =>
            entries.length > max
              ? `at most ${max.toLocaleString('en-US')} ${what}, got ${entries.length.toLocaleString('en-US')}`
              : undefined
          }
          onCommit={(entries) => editor.setJson({ allowedTopics: entries.length > 0 ? entries : undefined })}
        />
      </InlineField>
      {list.length === 0 && (
        <Text color="secondary" element="p">
          {`No ${lower}s: queries may read any ${target}.`}
        </Text>
      )}
    </FieldSet>
  );
}

interface LimitsProps {
  editor: SettingsEditor;
  idPrefix: string;
  /** What one history belongs to, in the labels: "topic", "path", "subject". */
  unit: string;
  /** The same in the tooltips: "topic filter", "path", "subject". */
  what: string;
}

/** The history and limit settings every feed shares, and the memory they allow at most. */
export function HistoryAndLimits({ editor, idPrefix, unit, what }: LimitsProps) {
  const { jsonData } = editor;
  const fields: Array<{ key: MqttOptionField; label: string; tooltip: string }> = [
    {
      key: 'historyMaxRows',
      label: `History rows per ${unit}`,
      tooltip: `The most rows one ${what} keeps as recent history, which fills a refreshed panel, a late viewer and an alert rule.`,
    },
    {
      key: 'historyMaxBytes',
      label: `History bytes per ${unit}`,
      tooltip: `Roughly the most memory one ${what}'s history takes, in bytes (64 KiB to 1 GiB; 4 MiB by default).`,
    },
    {
      key: 'lingerSeconds',
      label: 'Linger (s)',
      tooltip: `How long a ${what} is still followed after its last stream stopped or a query last read it. Keep it above your alert rules' evaluation interval.`,
    },
    {
      key: 'maxStreams',
      label: 'Maximum streams',
      tooltip: `The most channels this data source streams at once, and the most ${what}s it follows at once; a viewer or query beyond it is refused.`,
    },
  ];
  const streams = jsonData.maxStreams ?? MQTT_OPTION_BOUNDS.maxStreams.default;
  const bytes = jsonData.historyMaxBytes ?? MQTT_OPTION_BOUNDS.historyMaxBytes.default;
  return (
    <FieldSet label="History and limits">
      {fields.map(({ key, label, tooltip }) => (
        <NumberField
          key={key}
          id={`${idPrefix}-${key}`}
          label={label}
          labelWidth={LABEL_WIDTH}
          tooltip={tooltip}
          bounds={MQTT_OPTION_BOUNDS[key]}
          value={jsonData[key]}
          onCommit={(value: NumberFieldValue) =>
            editor.setJson({ [key]: typeof value === 'number' ? value : undefined })
          }
        />
      ))}
      <Text color="secondary" element="p" data-testid={`${idPrefix}-memory`}>
        {`At most ${streams.toLocaleString('en-US')} histories of ${formatBytes(bytes)} each: up to ${formatBytes(streams * bytes)} of memory.`}
      </Text>
    </FieldSet>
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
