import React from 'react';
import { SelectableValue } from '@grafana/data';
import { FieldSet, InlineField, RadioButtonGroup, Text } from '@grafana/ui';

import { natsUrlProblem, natsUsesTLS, subjectProblem } from '../../nats/subject';
import { FEED_LIMITS, NATS_AUTH_TYPES, NatsAuthType } from '../../types';
import {
  AllowedTargets,
  HistoryAndLimits,
  LABEL_WIDTH,
  SecretField,
  SecretProps,
  SettingField,
  TlsSettings,
} from './FeedParts';
import { settingsEditor } from './settings';
import { ConfigProps } from './types';

const AUTH_LABELS: Readonly<Record<NatsAuthType, string>> = {
  none: 'None',
  token: 'Token',
  userPassword: 'User and password',
  nkey: 'NKey',
  credentials: 'Credentials file',
};

const AUTH_OPTIONS: Array<SelectableValue<NatsAuthType>> = NATS_AUTH_TYPES.map((value) => ({
  value,
  label: AUTH_LABELS[value],
}));

/** The secret each authentication reads; "none" reads none. */
/** A secret's words and checks: the editor, its id and when it is required come from the form. */
type AuthSecret = Omit<SecretProps, 'editor' | 'id' | 'required' | 'requiredWhile'>;

const AUTH_SECRETS: Readonly<Partial<Record<NatsAuthType, AuthSecret>>> = {
  token: {
    field: 'token',
    label: 'Auth token',
    placeholder: "the server's authorization token",
    tooltip: "The token the servers' authorization expects. Grafana stores it encrypted and never shows it again.",
  },
  userPassword: {
    field: 'password',
    label: 'Password',
    placeholder: "the user's password",
    tooltip: "The NATS user's password. Grafana stores it encrypted and never shows it again.",
  },
  nkey: {
    field: 'nkeySeed',
    label: 'NKey seed',
    placeholder: 'SU…',
    tooltip:
      "The user's NKey seed, which starts with SU; the servers know its public key (U…). Grafana stores it encrypted and never shows it again.",
    validate: (seed) =>
      /^SU[A-Z2-7]+$/.test(seed.trim()) ? undefined : 'must be an NKey user seed: one line starting with SU',
  },
  credentials: {
    field: 'credentials',
    label: 'Credentials',
    placeholder: '-----BEGIN NATS USER JWT----- … the whole .creds file',
    tooltip:
      "The content of the user's .creds file, its JWT and NKey seed, as nsc writes it. Grafana stores it encrypted and never shows it again.",
    multiline: true,
    validate: (creds) =>
      /BEGIN NATS USER JWT/.test(creds) && /BEGIN USER NKEY SEED/.test(creds)
        ? undefined
        : 'must be the content of a .creds file: a user JWT and its NKey user seed, each between its BEGIN and END lines',
  },
};

const ID = 'pulse-nats';

/** A NATS data source's settings: the servers, authentication, TLS, subjects and history. */
export function NatsConfig(props: ConfigProps) {
  const editor = settingsEditor(props);
  const { jsonData } = editor;
  const authType: NatsAuthType = NATS_AUTH_TYPES.find((t) => t === jsonData.authType) ?? 'none';
  const unknownAuth = jsonData.authType !== undefined && !NATS_AUTH_TYPES.some((t) => t === jsonData.authType);
  const requiredWhile = `the authentication is “${AUTH_LABELS[authType]}”`;
  const secret = AUTH_SECRETS[authType];

  return (
    <div data-testid="pulse-config-nats">
      <FieldSet label="Connection">
        <SettingField
          id={`${ID}-url`}
          label="Servers"
          tooltip="One or more NATS servers, separated by commas: nats:// (TLS when the server asks for it) or tls:// (always TLS), a host and a port (4222 by default). Pulse connects to one and moves to another when it goes away."
          placeholder="nats://nats:4222"
          value={jsonData.url}
          validate={(text) => (text.trim() === '' ? undefined : natsUrlProblem(text))}
          onCommit={(url) => editor.setJson({ url })}
        />
      </FieldSet>

      <FieldSet label="Authentication">
        <InlineField
          label="Authentication"
          labelWidth={LABEL_WIDTH}
          tooltip="How Pulse proves who it is to the NATS servers. Only the secret of the chosen kind is read."
          invalid={unknownAuth}
          error={unknownAuth ? `unknown authentication ${JSON.stringify(jsonData.authType)}: pick one` : undefined}
        >
          <RadioButtonGroup<NatsAuthType>
            options={AUTH_OPTIONS}
            value={unknownAuth ? undefined : authType}
            onChange={(value) => editor.setJson({ authType: value === 'none' ? undefined : value })}
          />
        </InlineField>
        {authType === 'userPassword' && (
          <SettingField
            id={`${ID}-username`}
            label="Username"
            tooltip="The NATS user name."
            placeholder="grafana"
            value={jsonData.username}
            validate={(text) => (text.trim() === '' ? `required while ${requiredWhile}` : undefined)}
            onCommit={(username) => editor.setJson({ username })}
          />
        )}
        {secret && (
          <SecretField
            key={secret.field}
            editor={editor}
            id={`${ID}-${secret.field}`}
            {...secret}
            required
            requiredWhile={requiredWhile}
          />
        )}
        {authType === 'none' && (
          <Text color="secondary" element="p">
            No authentication: for servers that let anyone connect.
          </Text>
        )}
      </FieldSet>

      <TlsSettings
        editor={editor}
        idPrefix={ID}
        peer="server"
        note={
          natsUsesTLS(jsonData.url)
            ? 'Read for tls:// servers, and for nats:// servers that ask for TLS. A server’s certificate is checked against its host.'
            : 'Read for tls:// servers, and for nats:// servers that ask for TLS; ignored otherwise.'
        }
      />

      <AllowedTargets
        editor={editor}
        idPrefix={ID}
        legend="Subjects"
        itemLabel="Allowed subject"
        what="subject patterns"
        target="subject"
        tooltip="The subjects this data source's queries may read: a query's subject must be covered by one of them (* matches one token, > every token after it: plant.> covers plant.*.temp). None allows any subject."
        placeholder="plant.>"
        validate={(pattern) => subjectProblem(pattern)}
        max={FEED_LIMITS.allowedTopics}
      />

      <HistoryAndLimits editor={editor} idPrefix={ID} unit="subject" what="subject" />
    </div>
  );
}
