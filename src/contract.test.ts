/**
 * docs/query-model.md is the contract between this frontend and the backend: the tables there
 * must state exactly the defaults and bounds the editor and validation use.
 */
import { readFileSync } from 'fs';
import path from 'path';

import { DEFAULT_QUERY, OPTION_BOUNDS, QUERY_BOUNDS, SIGNAL_KINDS } from './types';

interface DocRow {
  type: string;
  def: string;
  bounds: string;
}

/** The first table under `heading`, keyed by field, with backticks and quotes taken off. */
function docTable(heading: string): Record<string, DocRow> {
  const lines = readFileSync(path.resolve(__dirname, '../docs/query-model.md'), 'utf8').split('\n');
  const start = lines.findIndex((line) => line === heading || line.startsWith(`${heading} `));
  expect(start).toBeGreaterThanOrEqual(0);
  const rows: Record<string, DocRow> = {};
  let inTable = false;
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('|')) {
      if (inTable) {
        break;
      }
      continue;
    }
    inTable = true;
    const cells = line
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((cell) => cell.trim().replace(/^`+|`+$/g, ''));
    if (cells[0] !== 'field' && !cells[0].startsWith('---')) {
      rows[cells[0]] = { type: cells[1], def: cells[2].replace(/^"|"$/g, ''), bounds: cells[3] };
    }
  }
  return rows;
}

/** Reads "3 600 000" or "-1 000 000 000" as the docs write numbers. */
const docNumber = (text: string) => Number(text.replace(/\s/g, ''));

function docBounds(row: DocRow): [number, number] {
  const [lo, hi] = row.bounds.split('…');
  return [docNumber(lo), docNumber(hi)];
}

describe('docs/query-model.md', () => {
  const query = docTable('## Query');
  const settings = docTable('## Data source settings');

  it('lists the same query fields as types.ts', () => {
    expect(Object.keys(query).sort()).toEqual(Object.keys(DEFAULT_QUERY).sort());
  });

  it('states the numeric query defaults and bounds types.ts uses', () => {
    for (const [field, bounds] of Object.entries(QUERY_BOUNDS)) {
      expect([field, docNumber(query[field].def), ...docBounds(query[field])]).toEqual([
        field,
        bounds.default,
        bounds.min,
        bounds.max,
      ]);
      expect([field, query[field].type === 'integer']).toEqual([field, bounds.integer]);
    }
  });

  it('names the same kinds, default and streaming default', () => {
    expect(query.kind.bounds.split(',').map((k) => k.trim().replace(/`/g, ''))).toEqual([...SIGNAL_KINDS]);
    expect(query.kind.def).toBe(DEFAULT_QUERY.kind);
    expect(query.withStreaming.def).toBe(String(DEFAULT_QUERY.withStreaming));
  });

  it('states the settings defaults and bounds types.ts uses', () => {
    expect(Object.keys(settings).sort()).toEqual(Object.keys(OPTION_BOUNDS).sort());
    for (const [field, bounds] of Object.entries(OPTION_BOUNDS)) {
      expect([field, docNumber(settings[field].def), ...docBounds(settings[field])]).toEqual([
        field,
        bounds.default,
        bounds.min,
        bounds.max,
      ]);
    }
  });
});
