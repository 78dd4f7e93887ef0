import React, { useState } from 'react';
import { Button, FieldValidationMessage, IconButton, Input, SecretInput, Stack } from '@grafana/ui';

import { FEED_LIMITS, SecureField } from '../../types';
import { SettingsEditor } from './settings';

const nameKey = (i: number) => `httpHeaderName${i}` as const;
const valueKey = (i: number): SecureField => `httpHeaderValue${i}`;

/** The header names jsonData holds, `httpHeaderName1` on, up to the first one missing. */
export function headerNames(jsonData: Record<string, unknown>): string[] {
  const names: string[] = [];
  for (let i = 1; typeof jsonData[nameKey(i)] === 'string'; i++) {
    names.push(jsonData[nameKey(i)] as string);
  }
  return names;
}

/** A header name as HTTP allows it: one token (RFC 9110), such as X-Api-Key. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The headers the HTTP client or the WebSocket handshake sets itself, in lower case. */
const RESERVED = [
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'upgrade',
  'te',
  'trailer',
  'keep-alive',
  'proxy-connection',
];

/**
 * Why the header name at index (0-based) would be refused, or undefined. authorization says
 * whether basic authentication or a bearer token sets the Authorization header already.
 */
export function headerNameProblem(names: readonly string[], index: number, authorization = false): string | undefined {
  const name = names[index].trim();
  const lower = name.toLowerCase();
  if (name === '') {
    return "required: the header's name, such as X-Api-Key (the headers after an empty one are not sent)";
  }
  if (!TOKEN.test(name)) {
    return "must be a header name: letters, digits and !#$%&'*+-.^_`|~ (no spaces or colons), such as X-Api-Key";
  }
  if (RESERVED.includes(lower) || lower.startsWith('sec-websocket-')) {
    return `names ${name}, which the client sets itself`;
  }
  if (names.findIndex((n) => n.trim().toLowerCase() === lower) !== index) {
    return 'is listed twice: each header once';
  }
  if (lower === 'authorization' && authorization) {
    return 'sets Authorization, which the authentication above sets already: use one or the other';
  }
  return undefined;
}

interface Props {
  editor: SettingsEditor;
  /** The prefix of the inputs' ids: `<idPrefix>-header-1-name`… */
  idPrefix: string;
  /** Whether basic authentication or a bearer token sets the Authorization header. */
  authorization: boolean;
}

/**
 * Custom headers as Grafana stores them: the names in jsonData (`httpHeaderName1`…), the values
 * encrypted in secureJsonData (`httpHeaderValue1`…), numbered from 1 without gaps. Removing a
 * header moves the ones after it up a number; a value Grafana stored cannot move (it never comes
 * back to the browser), so it is cleared and asked for again rather than sent under another name.
 */
export function HeadersEditor({ editor, idPrefix, authorization }: Props) {
  const names = headerNames(editor.jsonData as Record<string, unknown>);
  const [drafts, setDrafts] = useState<string[]>(names);
  const [shown, setShown] = useState(names.join('\n'));
  // The headers whose stored value was cleared when they moved up, by number.
  const [moved, setMoved] = useState<ReadonlySet<number>>(new Set());
  if (names.join('\n') !== shown || names.length !== drafts.length) {
    setShown(names.join('\n'));
    setDrafts(names);
  }

  const commitName = (i: number) => {
    const text = drafts[i - 1] ?? '';
    if (text !== names[i - 1]) {
      editor.setJson({ [nameKey(i)]: text });
    }
  };
  const add = () => editor.setJson({ [nameKey(names.length + 1)]: '' });
  const remove = (i: number) => {
    const n = names.length;
    const json: Record<string, unknown> = { [nameKey(n)]: undefined };
    const secrets: Partial<Record<SecureField, string>> = {};
    const reset: SecureField[] = [];
    const lost = new Set<number>();
    for (let j = i; j < n; j++) {
      json[nameKey(j)] = names[j];
      // Header j+1 becomes header j: its value follows if it was typed here, else it is asked for.
      const typed = editor.typed(valueKey(j + 1));
      if (editor.has(valueKey(j))) {
        reset.push(valueKey(j));
      }
      if (typed !== '') {
        secrets[valueKey(j)] = typed;
      } else if (editor.isSet(valueKey(j + 1)) || moved.has(j + 1)) {
        lost.add(j);
      }
    }
    if (editor.has(valueKey(n))) {
      reset.push(valueKey(n));
    }
    for (const j of moved) {
      if (j < i) {
        lost.add(j);
      }
    }
    setMoved(lost);
    editor.change({ json, secrets, reset });
  };

  return (
    <Stack direction="column" gap={0.5}>
      {names.map((_, index) => {
        const i = index + 1;
        const error =
          headerNameProblem(drafts.length === names.length ? drafts : names, index, authorization) ??
          (moved.has(i) && editor.missing(valueKey(i))
            ? 'enter the value again: this header moved up when one above it was removed, and a stored value cannot move with it'
            : undefined);
        // The name's and the value's id (also their data-testid) and label.
        const part = (which: 'name' | 'value') => ({
          id: `${idPrefix}-header-${i}-${which}`,
          'data-testid': `${idPrefix}-header-${i}-${which}`,
          'aria-label': `Header ${i} ${which}`,
        });
        return (
          <div key={i}>
            <Stack direction="row" gap={0.5} alignItems="center">
              <Input
                {...part('name')}
                width={24}
                placeholder="X-Api-Key"
                value={drafts[index] ?? ''}
                invalid={!!error}
                aria-invalid={!!error}
                onChange={(e) => {
                  const text = e.currentTarget.value;
                  setDrafts(drafts.map((d, j) => (j === index ? text : d)));
                }}
                onBlur={() => commitName(i)}
                onKeyDown={(e) => e.key === 'Enter' && commitName(i)}
              />
              <SecretInput
                {...part('value')}
                width={32}
                placeholder="value"
                autoComplete="new-password"
                isConfigured={editor.isSet(valueKey(i))}
                value={editor.typed(valueKey(i))}
                onChange={(e) => editor.setSecret(valueKey(i), e.currentTarget.value)}
                onReset={() => editor.resetSecret(valueKey(i))}
              />
              <IconButton name="trash-alt" aria-label={`Remove header ${i}`} onClick={() => remove(i)} />
            </Stack>
            {error && <FieldValidationMessage>{error}</FieldValidationMessage>}
          </div>
        );
      })}
      {names.length < FEED_LIMITS.headers && (
        <div>
          <Button icon="plus" variant="secondary" size="sm" data-testid={`${idPrefix}-header-add`} onClick={add}>
            Add header
          </Button>
        </div>
      )}
    </Stack>
  );
}
