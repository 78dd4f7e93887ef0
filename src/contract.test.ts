/**
 * docs/query-model.md and docs/mqtt.md are the contract between this frontend and the backend: the
 * tables there must state exactly the defaults and bounds the editors and validation use.
 */
import { readFileSync } from 'fs';
import path from 'path';

import {
  DEFAULT_QUERY,
  MQTT_LIMITS,
  MQTT_OPTION_BOUNDS,
  MQTT_PROTOCOL_VERSIONS,
  MQTT_QUERY_BOUNDS,
  MQTT_QUERY_FIELDS,
  OPTION_BOUNDS,
  QUERY_BOUNDS,
  SECURE_FIELDS,
  SIGNAL_KINDS,
} from './types';

interface DocRow {
  type: string;
  def: string;
  bounds: string;
}

/** The first table under `heading` in a doc, keyed by field, with backticks and quotes taken off. */
function docTable(heading: string, doc = 'query-model.md'): Record<string, DocRow> {
  const lines = readFileSync(path.resolve(__dirname, '../docs', doc), 'utf8').split('\n');
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
    if (cells[0] !== 'field' && cells[0] !== 'setting' && !cells[0].startsWith('---')) {
      rows[cells[0]] = { type: cells[1], def: cells[2].replace(/^"|"$/g, ''), bounds: cells[3] };
    }
  }
  return rows;
}

/** Reads "3 600 000", "-1 000 000 000" or "`4194304` (4 MiB)" as the docs write numbers. */
const docNumber = (text: string) => Number(text.replace(/\(.*?\)|`/g, '').replace(/\s/g, ''));

/** Writes 1000 as the docs do: "1 000". */
const docFormat = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');

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

describe('docs/mqtt.md', () => {
  const settings = docTable('## Settings', 'mqtt.md');
  const query = docTable('## Query', 'mqtt.md');

  it('states the numeric settings’ defaults and bounds types.ts uses', () => {
    for (const [field, bounds] of Object.entries(MQTT_OPTION_BOUNDS)) {
      const row = settings[field];
      // The "in" column stands where query-model.md has the type.
      expect([field, row.type, docNumber(row.def), ...docBounds(row)]).toEqual([
        field,
        'jsonData',
        bounds.default,
        bounds.min,
        bounds.max,
      ]);
    }
  });

  it('names the same secure settings, protocol versions and allowedTopics limit', () => {
    const secure = Object.entries(settings)
      .filter(([, row]) => row.type === 'secureJsonData')
      .map(([name]) => name);
    expect(secure.sort()).toEqual([...SECURE_FIELDS].sort());
    expect(settings.protocolVersion.bounds.split(',').map((v) => v.trim().replace(/[`"]/g, ''))).toEqual([
      ...MQTT_PROTOCOL_VERSIONS,
    ]);
    expect(settings.allowedTopics.bounds).toBe(`at most ${docFormat(MQTT_LIMITS.allowedTopics)} valid topic filters`);
  });

  it('lists the query fields the MQTT editor writes, with the flush window’s bounds and the paths’ limits', () => {
    expect(Object.keys(query).sort()).toEqual([...MQTT_QUERY_FIELDS, 'withStreaming', 'flushMs'].sort());
    expect([docNumber(query.flushMs.def), ...docBounds(query.flushMs)]).toEqual([
      MQTT_QUERY_BOUNDS.flushMs.default,
      MQTT_QUERY_BOUNDS.flushMs.min,
      MQTT_QUERY_BOUNDS.flushMs.max,
    ]);
    expect(query.timeField.bounds).toBe(`a gjson path, at most ${docFormat(MQTT_LIMITS.pathBytes)} bytes`);
    expect(query.fields.bounds).toBe(
      `at most ${MQTT_LIMITS.paths} gjson paths of 1 … ${docFormat(MQTT_LIMITS.pathBytes)} bytes each`
    );
  });
});
