import React, { useState } from 'react';
import { SelectableValue } from '@grafana/data';
import { Alert, FieldSet, InlineField, RadioButtonGroup, Stack, Text } from '@grafana/ui';

import { baseUrlProblem, pathPatternProblem, pathProblem, schemeOf } from '../../http/path';
import { FEED_LIMITS, HTTP_IDLE_TIMEOUT_BOUNDS, SecureField } from '../../types';
import { NumberField, NumberFieldValue } from '../NumberField';
import { StringListEditor } from '../StringListEditor';
import { AllowedTargets, HistoryAndLimits, LABEL_WIDTH, SecretField, SettingField, TlsSettings } from './FeedParts';
import { HeadersEditor } from './HeadersEditor';
import { SettingsEditor, settingsEditor } from './settings';
import { ConfigProps } from './types';

/** How an HTTP or WebSocket data source authenticates: basic and bearer are exclusive. */
type AuthMode = 'none' | 'basic' | 'bearer';

const AUTH_OPTIONS: Array<SelectableValue<AuthMode>> = [
  { value: 'none', label: 'None' },
  { value: 'basic', label: 'Basic' },
  { value: 'bearer', label: 'Bearer token' },
];

/** What differs between the HTTP and the WebSocket editor. */
interface Flavour {
  source: 'http' | 'websocket';
  schemes: readonly [plain: string, secure: string];
  example: string;
  urlTooltip: string;
  pathExample: string;
}

const HTTP: Flavour = {
  source: 'http',
  schemes: ['http', 'https'],
  example: 'https://api.example.com/stream',
  urlTooltip:
    "The base URL every query's path is read under: http:// or https://, a host, an optional port and path. Queries cannot leave it: no other host, and no .. above its path.",
  pathExample: '/events/*',
};

const WEBSOCKET: Flavour = {
  source: 'websocket',
  schemes: ['ws', 'wss'],
  example: 'wss://feed.example.com/ws',
  urlTooltip:
    "The base URL every query's path is read under: ws:// or wss://, a host, an optional port and path. Queries cannot leave it: no other host, and no .. above its path.",
  pathExample: '/prices/*',
};

/** An HTTP stream data source's settings: the endpoint, authentication, headers, TLS, paths and history. */
export function HttpConfig(props: ConfigProps) {
  return <StreamConfig {...props} flavour={HTTP} />;
}

/** A WebSocket data source's settings: as an HTTP one's, with a ws:// or wss:// URL. */
export function WebSocketConfig(props: ConfigProps) {
  return <StreamConfig {...props} flavour={WEBSOCKET} />;
}

function StreamConfig({ flavour, ...props }: ConfigProps & { flavour: Flavour }) {
  const editor = settingsEditor(props);
  const { jsonData } = editor;
  const prefix = `pulse-${flavour.source}`;
  const id = (field: string) => `${prefix}-${field}`;
  const [plain, secure] = flavour.schemes;
  const scheme = schemeOf(jsonData.url);
  const tlsNote =
    scheme === plain
      ? `Read for ${secure}:// URLs only: this URL is not one, so these settings are ignored.`
      : `Read for ${secure}:// URLs only. The server’s certificate is checked against the host in the URL.`;

  return (
    <div data-testid={`pulse-config-${flavour.source}`}>
      <FieldSet label="Connection">
        <SettingField
          id={id('url')}
          label="URL"
          tooltip={flavour.urlTooltip}
          placeholder={flavour.example}
          value={jsonData.url}
          validate={(text) => (text.trim() === '' ? undefined : baseUrlProblem(text, flavour.schemes, flavour.example))}
          onCommit={(url) => editor.setJson({ url })}
        />
        {flavour.source === 'http' && (
          <NumberField
            id={id('idleTimeoutSeconds')}
            label="Idle timeout (s)"
            labelWidth={LABEL_WIDTH}
            tooltip="How long a stream may send nothing at all (no event, line or comment) before Pulse opens it again, resuming Server-Sent Events with Last-Event-ID: a server that hangs without closing the connection is noticed. Set it above the longest quiet spell of your streams; 0 waits for ever."
            bounds={HTTP_IDLE_TIMEOUT_BOUNDS}
            value={jsonData.idleTimeoutSeconds}
            onCommit={(value: NumberFieldValue) =>
              editor.setJson({ idleTimeoutSeconds: typeof value === 'number' ? value : undefined })
            }
          />
        )}
      </FieldSet>

      <Authentication editor={editor} id={id} />

      <FieldSet label="Headers">
        <InlineField
          label="Custom headers"
          labelWidth={LABEL_WIDTH}
          tooltip={
            flavour.source === 'http'
              ? 'Sent with every request, such as an API key. The values are stored encrypted and never shown again.'
              : 'Sent with the WebSocket handshake, such as an API key. The values are stored encrypted and never shown again.'
          }
        >
          <HeadersEditor
            editor={editor}
            idPrefix={prefix}
            authorization={(jsonData.basicAuthUser ?? '') !== '' || editor.has('bearerToken')}
          />
        </InlineField>
      </FieldSet>

      <TlsSettings editor={editor} idPrefix={prefix} peer="server" note={tlsNote} />

      <AllowedTargets
        editor={editor}
        idPrefix={prefix}
        legend="Paths"
        itemLabel="Allowed path"
        what="path patterns"
        target="path"
        tooltip={`The paths this data source's queries may read, as written in the query: an entry allows that path exactly, or every path that starts with it when it ends with * (${flavour.pathExample}). None allows any path under the URL.`}
        placeholder={flavour.pathExample}
        validate={(pattern) => pathPatternProblem(pattern) ?? pathProblem(pattern.replace(/\*$/, ''))}
        max={FEED_LIMITS.allowedTopics}
      />

      {flavour.source === 'websocket' && (
        <FieldSet label="Subscribe messages">
          <InlineField
            label="Allowed messages"
            labelWidth={LABEL_WIDTH}
            tooltip="The only subscribe messages queries may send, as written in the query. None allows any: then anyone who may query this data source can send the server any text with its credentials."
          >
            <StringListEditor
              id={`${prefix}-allowedSubscribeMessages`}
              itemLabel="Allowed message"
              addLabel="Add allowed message"
              placeholder='{"subscribe":"home/kitchen/climate"}'
              width={60}
              values={jsonData.allowedSubscribeMessages}
              validate={(m) =>
                new TextEncoder().encode(m).length > FEED_LIMITS.subscribeMessageBytes
                  ? `at most ${FEED_LIMITS.subscribeMessageBytes.toLocaleString('en-US')} bytes`
                  : undefined
              }
              onCommit={(entries) =>
                editor.setJson({ allowedSubscribeMessages: entries.length > 0 ? entries : undefined })
              }
            />
          </InlineField>
        </FieldSet>
      )}

      <HistoryAndLimits editor={editor} idPrefix={prefix} unit="path" what="path" />
    </div>
  );
}

/** Basic authentication or a bearer token, never both: picking one clears the other. */
function Authentication({ editor, id }: { editor: SettingsEditor; id: (field: string) => string }) {
  const { jsonData } = editor;
  const { has } = editor;
  const user = (jsonData.basicAuthUser ?? '') !== '';
  const bearer = has('bearerToken');
  const [mode, setMode] = useState<AuthMode>(
    bearer && !user ? 'bearer' : user || has('basicAuthPassword') ? 'basic' : 'none'
  );

  const pick = (next: AuthMode) => {
    setMode(next);
    const reset: SecureField[] = [];
    if (next !== 'basic' && has('basicAuthPassword')) {
      reset.push('basicAuthPassword');
    }
    if (next !== 'bearer' && has('bearerToken')) {
      reset.push('bearerToken');
    }
    const json = next !== 'basic' && jsonData.basicAuthUser !== undefined ? { basicAuthUser: undefined } : {};
    if (reset.length > 0 || Object.keys(json).length > 0) {
      editor.change({ json, reset });
    }
  };

  return (
    <FieldSet label="Authentication">
      {user && bearer && (
        <Alert
          severity="error"
          title="Basic authentication and a bearer token are both set"
          data-testid={id('auth-conflict')}
        >
          The backend refuses a data source with both: pick one below, and the other is cleared.
        </Alert>
      )}
      <InlineField
        label="Authentication"
        labelWidth={LABEL_WIDTH}
        tooltip="How Pulse proves who it is to the server: a user name and password (basic), or a token sent as Authorization: Bearer. One or the other, not both."
      >
        <RadioButtonGroup<AuthMode> options={AUTH_OPTIONS} value={mode} onChange={pick} />
      </InlineField>
      {mode === 'basic' && (
        <>
          <SettingField
            id={id('basicAuthUser')}
            label="User"
            tooltip="The basic authentication user name."
            placeholder="grafana"
            value={jsonData.basicAuthUser}
            validate={(text) =>
              text.trim() === ''
                ? 'required for basic authentication'
                : /[:\r\n\u0000]/.test(text)
                  ? 'must not contain a colon, a line break or NUL'
                  : undefined
            }
            onCommit={(basicAuthUser) => editor.setJson({ basicAuthUser })}
          />
          <SecretField
            editor={editor}
            id={id('basicAuthPassword')}
            field="basicAuthPassword"
            label="Password"
            placeholder="none"
            tooltip="The basic authentication password. Grafana stores it encrypted and never shows it again."
            validate={(text) => (/[\r\n\u0000]/.test(text) ? 'must not contain a line break or NUL' : undefined)}
          />
        </>
      )}
      {mode === 'bearer' && (
        <SecretField
          editor={editor}
          id={id('bearerToken')}
          field="bearerToken"
          label="Token"
          placeholder="the token"
          tooltip="Sent as Authorization: Bearer <token> with every request. Grafana stores it encrypted and never shows it again."
          required
          requiredWhile="the authentication is a bearer token"
          validate={(text) =>
            /[\s\u0000]/.test(text) ? 'must be one token, without spaces, line breaks or NUL' : undefined
          }
        />
      )}
      {mode === 'none' && (
        <Stack>
          <Text color="secondary" element="p">
            No authentication: only the custom headers below are sent.
          </Text>
        </Stack>
      )}
    </FieldSet>
  );
}
