import React, { KeyboardEvent, useState } from 'react';
import { InlineField, Input } from '@grafana/ui';

interface Props {
  /** Input id, also its data-testid. */
  id: string;
  label: string;
  tooltip: string;
  value: string | undefined;
  /** Called on blur or Enter with the text, or undefined when it is cleared; only when it changed. */
  onCommit: (value: string | undefined) => void;
  /** Why text would be refused, or undefined; shown while typing and after. */
  validate?: (text: string) => string | undefined;
  placeholder?: string;
  labelWidth?: number;
  width?: number;
  /** Grows to the row's width instead of a fixed one. */
  grow?: boolean;
}

/**
 * A text input that commits on blur or Enter, not on every key, so a query runs once per edit. A
 * problem `validate` finds is flagged, not corrected: the text is committed as typed.
 */
export function TextField(props: Props) {
  const { id, label, tooltip, value, onCommit, validate, placeholder, labelWidth = 14, width, grow } = props;
  const [draft, setDraft] = useState(value ?? '');
  // A new value from outside (another editor, undo) replaces whatever is being typed.
  const [shown, setShown] = useState(value);
  if (value !== shown) {
    setShown(value);
    setDraft(value ?? '');
  }
  const error = validate?.(draft);

  const commit = () => {
    const next = draft === '' ? undefined : draft;
    if (next !== value) {
      onCommit(next);
    }
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      commit();
    }
  };

  return (
    <InlineField
      label={label}
      labelWidth={labelWidth}
      tooltip={tooltip}
      htmlFor={id}
      invalid={!!error}
      error={error}
      grow={grow}
    >
      <Input
        id={id}
        data-testid={id}
        width={width}
        placeholder={placeholder}
        value={draft}
        invalid={!!error}
        aria-invalid={!!error}
        onChange={(e) => setDraft(e.currentTarget.value)}
        onBlur={commit}
        onKeyDown={onKeyDown}
      />
    </InlineField>
  );
}
