import React, { KeyboardEvent, useState } from 'react';
import { Button, FieldValidationMessage, IconButton, Input, Stack } from '@grafana/ui';

interface Props {
  /** A prefix for the inputs' ids and data-testids: `<id>-1`, `<id>-2`… */
  id: string;
  /** What one entry is, for the inputs' and buttons' labels: "Allowed topic 1", "Remove allowed topic 1". */
  itemLabel: string;
  values: readonly string[] | undefined;
  /** Called on blur, Enter or removal with the entries, empty ones left out; only when they changed. */
  onCommit: (values: string[]) => void;
  /** Why one entry would be refused, or undefined. */
  validate?: (value: string) => string | undefined;
  /** Why the whole list would be refused (too many entries), or undefined. */
  validateList?: (values: readonly string[]) => string | undefined;
  addLabel: string;
  placeholder?: string;
  width?: number;
}

/**
 * A list of strings, one input per entry, with a remove button each and one to add an entry.
 * Entries are committed on blur or Enter; an entry left empty is dropped.
 */
export function StringListEditor(props: Props) {
  const { id, itemLabel, values, onCommit, validate, validateList, addLabel, placeholder, width = 48 } = props;
  const committed = values ?? [];
  const [drafts, setDrafts] = useState<string[]>([...committed]);
  // The entry the add button made takes the focus.
  const [added, setAdded] = useState(false);
  // New values from outside replace the drafts.
  const [shown, setShown] = useState(values);
  if (values !== shown) {
    setShown(values);
    setDrafts([...committed]);
  }

  const commit = (next: string[]) => {
    const kept = next.filter((v) => v !== '');
    if (kept.length !== committed.length || kept.some((v, i) => v !== committed[i])) {
      onCommit(kept);
    }
  };
  const setDraft = (i: number, text: string) => setDrafts(drafts.map((d, j) => (j === i ? text : d)));
  const remove = (i: number) => {
    const next = drafts.filter((_, j) => j !== i);
    setDrafts(next);
    commit(next);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      commit(drafts);
    }
  };
  const listError = validateList?.(drafts.filter((d) => d !== ''));
  const lower = itemLabel.charAt(0).toLowerCase() + itemLabel.slice(1);

  return (
    <Stack direction="column" gap={0.5}>
      {drafts.map((draft, i) => {
        const error = draft === '' ? undefined : validate?.(draft);
        return (
          <div key={i}>
            <Stack direction="row" gap={0.5} alignItems="center">
              <Input
                id={`${id}-${i + 1}`}
                data-testid={`${id}-${i + 1}`}
                aria-label={`${itemLabel} ${i + 1}`}
                width={width}
                placeholder={placeholder}
                value={draft}
                invalid={!!error}
                aria-invalid={!!error}
                onChange={(e) => setDraft(i, e.currentTarget.value)}
                autoFocus={added && i === drafts.length - 1}
                onBlur={() => commit(drafts)}
                onKeyDown={onKeyDown}
              />
              <IconButton name="trash-alt" aria-label={`Remove ${lower} ${i + 1}`} onClick={() => remove(i)} />
            </Stack>
            {error && <FieldValidationMessage>{error}</FieldValidationMessage>}
          </div>
        );
      })}
      {listError && (
        <div data-testid={`${id}-error`}>
          <FieldValidationMessage>{listError}</FieldValidationMessage>
        </div>
      )}
      <div>
        <Button
          icon="plus"
          variant="secondary"
          size="sm"
          data-testid={`${id}-add`}
          onClick={() => {
            setDrafts([...drafts, '']);
            setAdded(true);
          }}
        >
          {addLabel}
        </Button>
      </div>
    </Stack>
  );
}
