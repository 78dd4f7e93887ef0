import { boundsFor } from './bounds';
import { DEFAULT_QUERY, PulseQuery, QUERY_BOUNDS } from './types';
import { foreignFields, validateQuery } from './validateQuery';

const q = (fields: Partial<PulseQuery>): PulseQuery => ({ refId: 'A', ...fields });

describe('validateQuery', () => {
  it('accepts a bare query and the default query', () => {
    expect(validateQuery(q({}))).toEqual([]);
    expect(validateQuery(q(DEFAULT_QUERY))).toEqual([]);
  });

  it('accepts every bound itself', () => {
    for (const [field, b] of Object.entries(QUERY_BOUNDS)) {
      expect(validateQuery(q({ [field]: b.min }))).toEqual([]);
      expect(validateQuery(q({ [field]: b.max }))).toEqual([]);
    }
  });

  it('names each field that is out of bounds', () => {
    expect(validateQuery(q({ stepMs: 0, seriesCount: 17 }))).toEqual([
      'stepMs must be between 1 and 3,600,000',
      'seriesCount must be between 1 and 16',
    ]);
    expect(validateQuery(q({ amplitude: -1 }))).toEqual(['amplitude must be between 0 and 1,000,000,000']);
    expect(validateQuery(q({ periodMs: 9 }))).toEqual(['periodMs must be between 10 and 86,400,000']);
  });

  it('requires whole numbers where the contract says integer, and finite numbers everywhere', () => {
    expect(validateQuery(q({ seed: 1.5 }))).toEqual(['seed must be a whole number']);
    expect(validateQuery(q({ offset: -0.5 }))).toEqual([]);
    expect(validateQuery(q({ offset: NaN }))).toEqual(['offset must be a number']);
  });

  it('rejects an unknown kind and a non-boolean withStreaming', () => {
    expect(validateQuery(q({ kind: 'triangle' }))).toEqual([
      'kind must be one of randomWalk, sine, square, sawtooth, counter, got "triangle"',
    ]);
    const loose = { refId: 'A', withStreaming: 'yes' } as unknown as PulseQuery;
    expect(validateQuery(loose)).toEqual(['withStreaming must be true or false']);
  });

  it('defers template variables only when asked to', () => {
    const templated = q({ kind: '$kind', stepMs: '$step', seriesCount: '${n}' });
    expect(validateQuery(templated, { allowVariables: true })).toEqual([]);
    expect(validateQuery(templated)).toEqual([
      'kind must be one of randomWalk, sine, square, sawtooth, counter, got "$kind"',
      'stepMs must be a number, got "$step"',
      'seriesCount must be a number, got "${n}"',
    ]);
    expect(validateQuery(q({ stepMs: 'fast' }), { allowVariables: true })).toEqual([
      'stepMs must be a number, got "fast"',
    ]);
  });

  it('checks against narrower bounds when given them', () => {
    const bounds = boundsFor({ minStepMs: 500, maxSeries: 4 });
    expect(validateQuery(q({ stepMs: 100, seriesCount: 5 }), { bounds })).toEqual([
      'stepMs must be between 500 and 3,600,000',
      'seriesCount must be between 1 and 4',
    ]);
  });
});

describe('validateQuery for an MQTT data source', () => {
  const mqtt = (fields: Partial<PulseQuery>, options: Parameters<typeof validateQuery>[1] = {}) =>
    validateQuery(q(fields), { source: 'mqtt', ...options });

  it('accepts a topic with the optional fields, and none of the signals’ checks', () => {
    expect(mqtt({ topic: 'plant/+/temp' })).toEqual([]);
    expect(
      mqtt({ topic: '#', withStreaming: true, timeField: 'ts', fields: ['celsius', 'a.b'], flushMs: 250 })
    ).toEqual([]);
    expect(mqtt({ topic: 'x', stepMs: 0, kind: 'triangle' })).toEqual([]);
  });

  it('requires a topic', () => {
    expect(mqtt({})).toEqual(['topic is required: the MQTT topic or topic filter to read']);
    expect(mqtt({ topic: '' })).toEqual(['topic is required: the MQTT topic or topic filter to read']);
    expect(mqtt({ topic: 5 as unknown as string })).toEqual(['topic must be text, got 5']);
  });

  it('names a bad topic filter, as the backend would', () => {
    expect(mqtt({ topic: 'a/#/b' })).toEqual([`topic '#' must be a whole level and the last one, got "a/#/b"`]);
    expect(mqtt({ topic: 'a/b+' })).toEqual([`topic '+' must be a whole level, got "a/b+"`]);
    expect(mqtt({ topic: 'a\u0000' })).toEqual(['topic must not contain U+0000 (NUL)']);
    expect(mqtt({ topic: 'x'.repeat(65_536) })).toEqual(['topic must be at most 65,535 bytes of UTF-8, got 65,536']);
    expect(mqtt({ topic: '$share/g/a' })[0]).toMatch(/^topic must not be a shared subscription/);
  });

  it('checks the topic against allowedTopics', () => {
    const options = { allowedTopics: ['plant/#'] };
    expect(mqtt({ topic: 'plant/+/temp' }, options)).toEqual([]);
    expect(mqtt({ topic: 'office' }, options)).toEqual([
      `topic "office" is not covered by this data source's allowed topics`,
    ]);
  });

  it('bounds timeField, fields and flushMs', () => {
    expect(mqtt({ topic: 't', timeField: 'x'.repeat(1024), fields: ['y'.repeat(1024)] })).toEqual([]);
    expect(mqtt({ topic: 't', timeField: 'x'.repeat(1025) })).toEqual([
      'timeField must be at most 1,024 bytes, got 1,025',
    ]);
    expect(mqtt({ topic: 't', timeField: 'a\u0000' })).toEqual(['timeField must not contain U+0000 (NUL)']);
    expect(mqtt({ topic: 't', timeField: 3 as unknown as string })).toEqual(['timeField must be text, got 3']);
    expect(mqtt({ topic: 't', fields: Array.from({ length: 256 }, (_, i) => `f${i}`) })).toEqual([]);
    expect(mqtt({ topic: 't', fields: Array.from({ length: 257 }, (_, i) => `f${i}`) })).toEqual([
      'fields must list at most 256 paths, got 257',
    ]);
    expect(mqtt({ topic: 't', fields: ['a', '', 'b', ''] })).toEqual([
      'fields entries 2 and 4 are empty: a path is at least one character',
    ]);
    expect(mqtt({ topic: 't', fields: ['a', 'é'.repeat(513)] })).toEqual([
      'fields entry 2 must be at most 1,024 bytes',
    ]);
    expect(mqtt({ topic: 't', fields: ['x\u0000', 'y\u0000', 'z\u0000'] })).toEqual([
      'fields entries 1, 2 and 3 must not contain U+0000 (NUL)',
    ]);
    expect(mqtt({ topic: 't', fields: 'celsius' as unknown as string[] })).toEqual([
      'fields must be a list of paths (text), got "celsius"',
    ]);
    expect(mqtt({ topic: 't', flushMs: 9 })).toEqual(['flushMs must be between 10 and 10,000']);
    expect(mqtt({ topic: 't', flushMs: 10_001 })).toEqual(['flushMs must be between 10 and 10,000']);
    expect(mqtt({ topic: 't', flushMs: 10.5 })).toEqual(['flushMs must be a whole number']);
  });

  it('checks the channel’s length for a streaming query when it knows the uid', () => {
    const uid = 'u'.repeat(40);
    const query = { topic: 't'.repeat(78), withStreaming: true };
    expect(mqtt(query)).toEqual([]);
    expect(mqtt({ ...query, withStreaming: false }, { uid })).toEqual([]);
    expect(mqtt({ ...query, topic: 't'.repeat(77) }, { uid })).toEqual([]);
    expect(mqtt(query, { uid })).toEqual([
      "with streaming, this query's channel would be 162 characters long, and Grafana allows 160 (the topic, time field and fields take about 4 characters for every 3 bytes): shorten them, or turn streaming off",
    ]);
    // A bigger flush window has one more digit in the path.
    expect(mqtt({ ...query, topic: 't'.repeat(77), flushMs: 1000 }, { uid })).toHaveLength(1);
  });

  it('defers what template variables hold when asked to', () => {
    const templated = { topic: 'plant/$line+/temp', timeField: '$ts', fields: ['$metric'], flushMs: '$flush' };
    expect(mqtt(templated, { allowVariables: true })).toEqual([]);
    expect(mqtt(templated)).toEqual([
      `topic '+' must be a whole level, got "plant/$line+/temp"`,
      'flushMs must be a number, got "$flush"',
    ]);
    // The channel's length is unknown until the variables are replaced.
    const long = { topic: `$line/${'t'.repeat(200)}`, withStreaming: true };
    expect(mqtt(long, { allowVariables: true, uid: 'pulse' })).toEqual([]);
    expect(mqtt({ topic: 'plant/#/$line' }, { allowVariables: true })).toHaveLength(1);
  });

  it('leaves a source it does not know to the backend', () => {
    expect(validateQuery(q({ stepMs: -1 }), { source: 'kafka' })).toEqual([]);
  });
});

describe('foreignFields', () => {
  it('lists the fields another source’s editor wrote', () => {
    expect(foreignFields(q({ ...DEFAULT_QUERY, topic: 't' }), 'mqtt')).toEqual([
      'kind',
      'stepMs',
      'periodMs',
      'amplitude',
      'offset',
      'seed',
      'seriesCount',
    ]);
    expect(foreignFields(q({ topic: 't', fields: [], withStreaming: true, flushMs: 100 }), 'mqtt')).toEqual([]);
    expect(foreignFields(q({ ...DEFAULT_QUERY, topic: 't', timeField: 'ts' }), 'signals')).toEqual([
      'topic',
      'timeField',
    ]);
    expect(foreignFields(q({ topic: 't' }), 'kafka')).toEqual([]);
  });
});

describe('validateQuery for the HTTP, WebSocket and NATS sources', () => {
  const check = (source: string, fields: Partial<PulseQuery>, options: Parameters<typeof validateQuery>[1] = {}) =>
    validateQuery(q(fields), { source, ...options });

  it('requires each source’s target', () => {
    expect(check('http', {})).toEqual([
      "path is required: the path to read under the data source's URL (/ for the URL itself)",
    ]);
    expect(check('websocket', { path: '' })).toEqual([
      "path is required: the path to read under the data source's URL (/ for the URL itself)",
    ]);
    expect(check('nats', { topic: 'a/b' })).toEqual([
      'subject is required: the NATS subject to read (* matches one token, > every token after it)',
    ]);
    expect(check('nats', { subject: 4 as unknown as string })).toEqual(['subject must be text, got 4']);
  });

  it('accepts a valid query of each source with the shared fields', () => {
    const shared = { withStreaming: true, timeField: 'ts', fields: ['a'], flushMs: 250 };
    expect(check('http', { path: '/events?x=1', format: 'sse', event: 'tick', ...shared })).toEqual([]);
    expect(check('websocket', { path: '/ws', subscribeMessage: '{"op":"subscribe"}', ...shared })).toEqual([]);
    expect(check('nats', { subject: 'plant.*.temp', ...shared })).toEqual([]);
  });

  it('names a path that would leave the URL, and one outside the allowed paths', () => {
    expect(check('http', { path: '//evil/x' })).toEqual(['path must not name a host (//…)']);
    expect(check('websocket', { path: '../x' })).toEqual([
      "path must stay under the data source's URL, but .. climbs above it",
    ]);
    const allowed = { allowedTopics: ['/events/*'] };
    expect(check('http', { path: 'events/a' }, allowed)).toEqual([]);
    expect(check('http', { path: '/admin' }, allowed)).toEqual([
      `path "/admin" is not covered by this data source's allowed paths`,
    ]);
  });

  it('names a bad subject, and one outside the allowed subjects', () => {
    expect(check('nats', { subject: 'a.>.b' })).toEqual([`subject '>' must be the last token, got "a.>.b"`]);
    expect(check('nats', { subject: 'office.temp' }, { allowedTopics: ['plant.>'] })).toEqual([
      `subject "office.temp" is not covered by this data source's allowed subjects`,
    ]);
  });

  it('checks the HTTP format and event and the WebSocket subscribe message', () => {
    expect(check('http', { path: 'e', format: 'xml' })).toEqual(['format must be one of auto, sse, ndjson, got "xml"']);
    expect(check('http', { path: 'e', format: '$fmt' }, { allowVariables: true })).toEqual([]);
    expect(check('http', { path: 'e', event: 'a\nb' })).toEqual(['event is an event name, which has no line break']);
    expect(check('http', { path: 'e', event: 'e'.repeat(257) })).toEqual(['event must be at most 256 bytes, got 257']);
    expect(check('http', { path: 'e', event: 'a\u0000' })).toEqual(['event must not contain U+0000 (NUL)']);
    expect(check('websocket', { path: 'e', subscribeMessage: 'm'.repeat(16_384) })).toEqual([]);
    expect(check('websocket', { path: 'e', subscribeMessage: 'm'.repeat(16_385) })).toEqual([
      'subscribeMessage must be at most 16,384 bytes (16 KiB), got 16,385',
    ]);
    // The other sources' params are not theirs to check.
    expect(check('nats', { subject: 's', format: 'xml' })).toEqual([]);
  });

  it('checks the channel’s length with the source’s params', () => {
    const uid = 'u'.repeat(40);
    // ds/<uid>/http/v1/100/ leaves 104 characters: 78 bytes of path, params and NULs.
    expect(check('http', { path: 'p'.repeat(75), withStreaming: true }, { uid })).toEqual([]);
    // A format spelled out as its default is written empty, as the backend writes it.
    expect(check('http', { path: 'p'.repeat(75), format: 'auto', withStreaming: true }, { uid })).toEqual([]);
    expect(check('http', { path: 'p'.repeat(72), format: 'ndjson', withStreaming: true }, { uid })).toEqual([
      "with streaming, this query's channel would be 164 characters long, and Grafana allows 160 (the path, format, event, time field and fields take about 4 characters for every 3 bytes): shorten them, or turn streaming off",
    ]);
    expect(
      check('websocket', { path: 'p', subscribeMessage: 'm'.repeat(100), withStreaming: true }, { uid })[0]
    ).toMatch(/\(the path, subscribe message, time field and fields take/);
    expect(check('nats', { subject: 's'.repeat(100), withStreaming: true }, { uid })[0]).toMatch(
      /\(the subject, time field and fields take/
    );
    expect(check('nats', { subject: '$long', withStreaming: true }, { uid, allowVariables: true })).toEqual([]);
  });
});

describe('foreignFields of the feeds', () => {
  it('treats timeField and fields as every feed’s own', () => {
    const query = q({ topic: 't', path: '/p', subject: 's', format: 'sse', timeField: 'ts', fields: ['a'] });
    expect(foreignFields(query, 'nats')).toEqual(['topic', 'path', 'format']);
    expect(foreignFields(query, 'http')).toEqual(['topic', 'subject']);
    expect(foreignFields(q({ ...query, subscribeMessage: 'hi' }), 'websocket')).toEqual(['topic', 'format', 'subject']);
    expect(foreignFields(q({ path: 'x', timeField: 'ts' }), 'signals')).toEqual(['timeField', 'path']);
  });
});
