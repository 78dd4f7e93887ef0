import React, { KeyboardEvent, useState } from 'react';
import { InlineField, Input } from '@grafana/ui';

import { boundsError, clampToBounds, isTemplateVariable } from '../bounds';
import { NumberBounds } from '../types';

/** What a committed field holds: a number in bounds, a template variable, or nothing (the default). */
export type NumberFieldValue = number | string | undefined;

interface Props {
  /** Input id, also its data-testid. */
  id: string;
  label: string;
  tooltip: string;
  bounds: NumberBounds;
  value: NumberFieldValue;
  /** Called on blur or Enter with a value that fits the bounds, and only when it changed. */
  onCommit: (value: NumberFieldValue) => void;
  /** Accept "$name" and friends as values (query fields, not settings). */
  allowVariables?: boolean;
  labelWidth?: number;
  width?: number;
}

/**
 * A numeric input that never emits an out-of-bounds number: while typing, a bad value is flagged
 * with its reason; on commit it is clamped into bounds (or reverted when it is not a number).
 */
export function NumberField(props: Props) {
  const { id, label, tooltip, bounds, value, onCommit, allowVariables = false, labelWidth = 14, width = 14 } = props;
  const [draft, setDraft] = useState(toText(value));
  // A new value from outside (another editor, undo) replaces whatever is being typed.
  const [shown, setShown] = useState(value);
  if (value !== shown) {
    setShown(value);
    setDraft(toText(value));
  }

  const text = draft.trim();
  const isVariable = allowVariables && isTemplateVariable(text);
  const error = text === '' || isVariable ? undefined : boundsError(Number(text), bounds);

  const commit = () => {
    const next = parse(text, value, bounds, allowVariables);
    setDraft(toText(next));
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
    <InlineField label={label} labelWidth={labelWidth} tooltip={tooltip} htmlFor={id} invalid={!!error} error={error}>
      <Input
        id={id}
        data-testid={id}
        type={isVariable ? 'text' : 'number'}
        min={bounds.min}
        max={bounds.max}
        step={bounds.integer ? 1 : 'any'}
        width={width}
        placeholder={String(bounds.default)}
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

function toText(value: NumberFieldValue): string {
  return value === undefined ? '' : String(value);
}

/** The value text commits to: cleared, a variable, a clamped number, or the old value for junk. */
function parse(text: string, old: NumberFieldValue, bounds: NumberBounds, allowVariables: boolean): NumberFieldValue {
  if (text === '') {
    return undefined;
  }
  if (allowVariables && isTemplateVariable(text)) {
    return text;
  }
  const n = Number(text);
  return Number.isFinite(n) ? clampToBounds(n, bounds) : old;
}
