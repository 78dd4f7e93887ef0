import { CoreApp, DataQueryRequest, DataQueryResponse } from '@grafana/data';
import { DataSourceWithBackend } from '@grafana/runtime';
import { lastValueFrom, of } from 'rxjs';

import { DataSource, MAX_EXPANDED_QUERIES } from './datasource';
import { instanceSettings } from './testing/fixtures';
import { Variables } from './testing/templateSrv';
import { DEFAULT_MQTT_QUERY, DEFAULT_QUERY, PulseQuery } from './types';

const mockVariables: Variables = {
  step: '250',
  kind: 'sine',
  n: '3',
  word: 'many',
  line: 'line1',
  room: ['kitchen', 'hall'],
  floor: ['1', '2', '3'],
  metric: ['celsius', 'humidity'],
  one: ['only'],
  none: [],
  ts: 'meta.ts',
  flush: '250',
};

// A template service that knows a few dashboard variables and lets scoped ones win, as Grafana's does.
jest.mock('@grafana/runtime', () => {
  const { fakeTemplateSrv } = jest.requireActual('./testing/templateSrv');
  return { ...jest.requireActual('@grafana/runtime'), getTemplateSrv: () => fakeTemplateSrv(mockVariables) };
});

const q = (fields: Partial<PulseQuery>): PulseQuery => ({ refId: 'A', ...fields });

/**
 * Stands in for the backend in each spec of the describe block it is called in: it answers every
 * request with no data, and the function it returns gives the queries the last request sent.
 */
function backendStub(): () => PulseQuery[] {
  let sent: PulseQuery[] = [];
  beforeEach(() => {
    sent = [];
    jest.spyOn(DataSourceWithBackend.prototype, 'query').mockImplementation((request: DataQueryRequest) => {
      sent = request.targets as PulseQuery[];
      return of({ data: [] } as DataQueryResponse);
    });
  });
  afterEach(() => jest.restoreAllMocks());
  return () => sent;
}

/** A query request for these targets, with no scoped variables. */
const request = (targets: PulseQuery[]) => ({ targets, scopedVars: {} }) as unknown as DataQueryRequest<PulseQuery>;

describe('DataSource', () => {
  const ds = new DataSource(instanceSettings());

  it('offers the default query', () => {
    expect(ds.getDefaultQuery(CoreApp.PanelEditor)).toEqual(DEFAULT_QUERY);
    expect(DEFAULT_QUERY).toEqual({
      withStreaming: false,
      kind: 'randomWalk',
      stepMs: 1000,
      periodMs: 60000,
      amplitude: 10,
      offset: 0,
      seed: 0,
      seriesCount: 1,
      flushMs: 100,
    });
  });

  it('raises the default step to what the data source accepts', () => {
    const strict = new DataSource(instanceSettings({ minStepMs: 5000 }));
    expect(strict.getDefaultQuery(CoreApp.PanelEditor)).toEqual({ ...DEFAULT_QUERY, stepMs: 5000 });
  });

  it('drops hidden queries', () => {
    expect(ds.filterQuery(q({ hide: true }))).toBe(false);
    expect(ds.filterQuery(q({ hide: false }))).toBe(true);
    expect(ds.filterQuery(q({}))).toBe(true);
  });

  describe('applyTemplateVariables', () => {
    it('turns variables in numeric fields into numbers and interpolates kind', () => {
      const out = ds.applyTemplateVariables(q({ kind: '$kind', stepMs: '$step', seriesCount: '$n', amplitude: 2 }), {});
      expect(out).toEqual(q({ kind: 'sine', stepMs: 250, seriesCount: 3, amplitude: 2 }));
    });

    it('prefers scoped variables, such as a repeated panel’s', () => {
      const out = ds.applyTemplateVariables(q({ stepMs: '$step' }), { step: { text: '40', value: '40' } });
      expect(out.stepMs).toBe(40);
    });

    it('keeps text that is no number, so it is reported rather than sent as null', () => {
      const out = ds.applyTemplateVariables(q({ seriesCount: '$word', seed: '$missing', offset: '' }), {});
      expect(out).toEqual(q({ seriesCount: 'many', seed: '$missing', offset: '' }));
      expect(JSON.parse(JSON.stringify(out)).seriesCount).toBe('many');
    });

    it('leaves numbers and the rest of the query alone', () => {
      const query = q({ withStreaming: true, kind: 'counter', stepMs: 10, hide: false });
      expect(ds.applyTemplateVariables(query, {})).toEqual(query);
    });
  });

  describe('query', () => {
    const sent = backendStub();

    it('sends valid queries resolved, and answers none with an error', async () => {
      const targets = [q({ stepMs: '$step' }), q({ refId: 'B', kind: 'sine' })];
      const response = await lastValueFrom(ds.query(request(targets)));
      expect(sent()).toEqual([q({ stepMs: 250 }), q({ refId: 'B', kind: 'sine' })]);
      expect(response.errors).toBeUndefined();
    });

    it('resolves each query once: what it sends is not resolved again', async () => {
      const spy = jest.spyOn(ds, 'applyTemplateVariables');
      await lastValueFrom(ds.query(request([q({ stepMs: '$step' })])));
      const [resolved] = sent();
      expect(ds.applyTemplateVariables(resolved, { step: { text: '1', value: '1' } })).toBe(resolved);
      expect(spy).toHaveBeenCalledTimes(2);
    });

    it('holds back invalid queries and names the reason per refId', async () => {
      const targets = [q({ seriesCount: 40 }), q({ refId: 'B' }), q({ refId: 'C', stepMs: '$word' })];
      const response = await lastValueFrom(ds.query(request(targets)));
      expect(sent().map((t) => t.refId)).toEqual(['B']);
      expect(response.errors).toEqual([
        { refId: 'A', message: 'Query A: seriesCount must be between 1 and 16' },
        { refId: 'C', message: 'Query C: stepMs must be a number, got "many"' },
      ]);
    });

    it('applies the data source limits', async () => {
      const strict = new DataSource(instanceSettings({ minStepMs: 500, maxSeries: 2 }));
      const response = await lastValueFrom(strict.query(request([q({ stepMs: 100, seriesCount: 2 })])));
      expect(sent()).toEqual([]);
      expect(response.errors?.[0].message).toBe('Query A: stepMs must be between 500 and 3,600,000');
    });
  });
});

describe('an MQTT data source', () => {
  const ds = new DataSource(instanceSettings({ source: 'mqtt' }));

  it('offers a streaming query without the signals’ fields, and no stream to alert rules', () => {
    expect(ds.source).toBe('mqtt');
    expect(ds.getDefaultQuery(CoreApp.PanelEditor)).toEqual({ withStreaming: true });
    expect(ds.getDefaultQuery(CoreApp.Explore)).toBe(DEFAULT_MQTT_QUERY);
    expect(ds.getDefaultQuery(CoreApp.UnifiedAlerting)).toEqual({ withStreaming: false });
    for (const field of ['kind', 'stepMs', 'periodMs', 'amplitude', 'offset', 'seed', 'seriesCount']) {
      expect(ds.getDefaultQuery(CoreApp.PanelEditor)).not.toHaveProperty(field);
    }
  });

  it('leaves out hidden queries and queries without a topic yet', () => {
    expect(ds.filterQuery(q({ topic: 'a' }))).toBe(true);
    expect(ds.filterQuery(q({ topic: 'a', hide: true }))).toBe(false);
    expect(ds.filterQuery(q({}))).toBe(false);
    expect(ds.filterQuery(q({ topic: '' }))).toBe(false);
  });

  it('a data source with an unknown source offers an empty query and lets the backend answer', () => {
    const kafka = new DataSource(instanceSettings({ source: 'kafka' }));
    expect(kafka.getDefaultQuery(CoreApp.PanelEditor)).toEqual({});
  });

  describe('applyTemplateVariables', () => {
    it('replaces variables in topic, timeField, fields and flushMs, and leaves signal fields alone', () => {
      const out = ds.applyTemplateVariables(
        q({
          topic: 'plant/$line/temp',
          timeField: '${ts}',
          fields: ['[[line]].celsius', 'ok'],
          flushMs: '$flush',
          stepMs: '$step',
        }),
        {}
      );
      expect(out).toEqual(
        q({
          topic: 'plant/line1/temp',
          timeField: 'meta.ts',
          fields: ['line1.celsius', 'ok'],
          flushMs: 250,
          stepMs: '$step',
        })
      );
    });

    it('prefers scoped variables', () => {
      const out = ds.applyTemplateVariables(q({ topic: 'plant/$line/temp' }), { line: { text: 'l2', value: 'l2' } });
      expect(out.topic).toBe('plant/l2/temp');
    });

    it('makes a field entry whose variable has several values one path per value', () => {
      const out = ds.applyTemplateVariables(q({ topic: 't', fields: ['sensor.$metric', 'ok', '$one'] }), {});
      expect(out.fields).toEqual(['sensor.celsius', 'sensor.humidity', 'ok', 'only']);
    });

    it('drops a field entry that only a variable made empty, and keeps one written empty for the check', () => {
      const out = ds.applyTemplateVariables(q({ topic: 't', fields: ['$none', 'ok', ''] }), {});
      expect(out.fields).toEqual(['ok', '']);
    });

    it('keeps an explicit format of the user’s', () => {
      const out = ds.applyTemplateVariables(q({ topic: 'plant/${room:csv}' }), {});
      expect(out.topic).toBe('plant/kitchen,hall');
    });
  });

  describe('query', () => {
    const sent = backendStub();

    it('sends a topic with single-value variables as one query', async () => {
      const response = await lastValueFrom(ds.query(request([q({ topic: 'plant/$line/temp', fields: ['$one'] })])));
      expect(sent()).toEqual([q({ topic: 'plant/line1/temp', fields: ['only'] })]);
      expect(response.errors).toBeUndefined();
    });

    it('expands a topic whose variable has several values into one query per value, refIds <refId>/<value>', async () => {
      const targets = [
        q({ topic: 'home/$room/temp', withStreaming: true, fields: ['$room.celsius'] }),
        q({ refId: 'B', topic: 'office/temp' }),
      ];
      const response = await lastValueFrom(ds.query(request(targets)));
      expect(sent()).toEqual([
        q({ refId: 'A/kitchen', topic: 'home/kitchen/temp', withStreaming: true, fields: ['kitchen.celsius'] }),
        q({ refId: 'A/hall', topic: 'home/hall/temp', withStreaming: true, fields: ['hall.celsius'] }),
        q({ refId: 'B', topic: 'office/temp' }),
      ]);
      expect(response.errors).toBeUndefined();
    });

    it('expands two multi-value variables into every combination, in order', async () => {
      await lastValueFrom(ds.query(request([q({ topic: '$room/${floor}' })])));
      expect(sent().map((t) => [t.refId, t.topic])).toEqual([
        ['A/kitchen/1', 'kitchen/1'],
        ['A/kitchen/2', 'kitchen/2'],
        ['A/kitchen/3', 'kitchen/3'],
        ['A/hall/1', 'hall/1'],
        ['A/hall/2', 'hall/2'],
        ['A/hall/3', 'hall/3'],
      ]);
    });

    it('keeps expanded refIds distinct from the others of the request', async () => {
      await lastValueFrom(ds.query(request([q({ topic: 'x/$room' }), q({ refId: 'A/hall', topic: 'y' })])));
      expect(sent().map((t) => t.refId)).toEqual(['A/kitchen', 'A/hall#2', 'A/hall']);
    });

    it('uses a repeated panel’s single value instead of expanding', async () => {
      const repeated = {
        ...request([q({ topic: 'home/$room/temp' })]),
        scopedVars: { room: { text: 'hall', value: 'hall' } },
      };
      await lastValueFrom(ds.query(repeated as DataQueryRequest<PulseQuery>));
      expect(sent()).toEqual([q({ topic: 'home/hall/temp' })]);
    });

    it(`refuses a topic that would expand into more than ${MAX_EXPANDED_QUERIES} queries`, async () => {
      const many = { ...mockVariables };
      mockVariables.big = Array.from({ length: MAX_EXPANDED_QUERIES + 1 }, (_, i) => `s${i}`);
      try {
        const response = await lastValueFrom(
          ds.query(request([q({ topic: 'x/$big' }), q({ refId: 'B', topic: 'y' })]))
        );
        expect(sent().map((t) => t.refId)).toEqual(['B']);
        expect(response.errors).toEqual([
          {
            refId: 'A',
            message:
              'Query A: the topic\'s variables select 101 topics, and one query expands into at most 100: select fewer values, or match them with a wildcard (for example a custom "All" value of +)',
          },
        ]);
      } finally {
        delete mockVariables.big;
        expect(mockVariables).toEqual(many);
      }
    });

    it('refuses a time field whose variable has several values', async () => {
      const response = await lastValueFrom(ds.query(request([q({ topic: 't', timeField: '$metric' })])));
      expect(sent()).toEqual([]);
      expect(response.errors?.[0].message).toBe(
        'Query A: timeField: $metric has several values selected, and a query reads one time field'
      );
    });

    it('holds back what the backend would refuse, per expanded query', async () => {
      const targets = [q({ topic: 'a/$room#' }), q({ refId: 'B', topic: 'ok', flushMs: 5 }), q({ refId: 'C' })];
      const response = await lastValueFrom(ds.query(request(targets)));
      expect(sent()).toEqual([]);
      expect(response.errors?.map((e) => e.message)).toEqual([
        'Query A/kitchen: topic \'#\' must be a whole level and the last one, got "a/kitchen#"',
        'Query A/hall: topic \'#\' must be a whole level and the last one, got "a/hall#"',
        'Query B: flushMs must be between 10 and 10,000',
        'Query C: topic is required: the MQTT topic or topic filter to read',
      ]);
    });

    it('checks the channel’s length with this data source’s uid', async () => {
      // ds/pulse-uid/mqtt/v1/100/ is 25 characters; a topic of 100 bytes and the NUL after it take 135.
      const fits = await lastValueFrom(ds.query(request([q({ topic: 'x'.repeat(100), withStreaming: true })])));
      expect(fits.errors).toBeUndefined();
      const long = await lastValueFrom(ds.query(request([q({ topic: 'x'.repeat(101), withStreaming: true })])));
      expect(long.errors?.[0].message).toMatch(
        /^Query A: with streaming, this query's channel would be 161 characters long/
      );
      const off = await lastValueFrom(ds.query(request([q({ topic: 'x'.repeat(101) })])));
      expect(off.errors).toBeUndefined();
    });

    it('refuses a topic outside allowedTopics', async () => {
      const bounded = new DataSource(instanceSettings({ source: 'mqtt', allowedTopics: ['plant/#'] }));
      const response = await lastValueFrom(
        bounded.query(request([q({ topic: 'office/temp' }), q({ refId: 'B', topic: 'plant/+/temp' })]))
      );
      expect(sent().map((t) => t.refId)).toEqual(['B']);
      expect(response.errors?.[0].message).toBe(
        'Query A: topic "office/temp" is not covered by this data source\'s allowed topics'
      );
    });
  });

  describe('interpolateVariablesInQueries', () => {
    it('expands as query() does, for Explore', () => {
      const out = ds.interpolateVariablesInQueries([q({ topic: 'home/$room', timeField: '$ts' })], {});
      expect(out).toEqual([
        q({ refId: 'A/kitchen', topic: 'home/kitchen', timeField: 'meta.ts' }),
        q({ refId: 'A/hall', topic: 'home/hall', timeField: 'meta.ts' }),
      ]);
    });

    it('resolves a query it cannot expand as Grafana would', () => {
      const out = ds.interpolateVariablesInQueries([q({ topic: 'x', timeField: '$metric' })], {});
      expect(out).toEqual([q({ topic: 'x', timeField: '{celsius,humidity}' })]);
    });
  });
});

describe('HTTP, WebSocket and NATS data sources', () => {
  const http = new DataSource(instanceSettings({ source: 'http' }));
  const websocket = new DataSource(instanceSettings({ source: 'websocket' }));
  const nats = new DataSource(instanceSettings({ source: 'nats' }));

  it('offer a streaming query, and none to alert rules', () => {
    for (const ds of [http, websocket, nats]) {
      expect(ds.getDefaultQuery(CoreApp.PanelEditor)).toEqual({ withStreaming: true });
      expect(ds.getDefaultQuery(CoreApp.UnifiedAlerting)).toEqual({ withStreaming: false });
    }
  });

  it('leave out queries without their target yet', () => {
    expect(http.filterQuery(q({ topic: 't' }))).toBe(false);
    expect(http.filterQuery(q({ path: '/e' }))).toBe(true);
    expect(websocket.filterQuery(q({ path: '' }))).toBe(false);
    expect(nats.filterQuery(q({ subject: 'a.b' }))).toBe(true);
    expect(nats.filterQuery(q({ subject: 'a.b', hide: true }))).toBe(false);
  });

  it('replace variables in the target, params, time field and fields', () => {
    expect(
      http.applyTemplateVariables(
        q({
          path: '/lines/$line',
          format: '$fmt',
          event: '$word',
          timeField: '$ts',
          fields: ['$metric'],
          flushMs: '$flush',
        }),
        { fmt: { text: 'sse', value: 'sse' } }
      )
    ).toEqual(
      q({
        path: '/lines/line1',
        format: 'sse',
        event: 'many',
        timeField: 'meta.ts',
        fields: ['celsius', 'humidity'],
        flushMs: 250,
      })
    );
    expect(websocket.applyTemplateVariables(q({ path: '/ws', subscribeMessage: '{"line":"$line"}' }), {})).toEqual(
      q({ path: '/ws', subscribeMessage: '{"line":"line1"}' })
    );
    expect(nats.applyTemplateVariables(q({ subject: 'plant.$line.temp', topic: '$line' }), {})).toEqual(
      q({ subject: 'plant.line1.temp', topic: '$line' })
    );
  });

  describe('query', () => {
    const sent = backendStub();

    it('expands a multi-value path into one query per value, as an MQTT topic', async () => {
      const response = await lastValueFrom(http.query(request([q({ path: '/rooms/$room', event: '$room' })])));
      expect(sent()).toEqual([
        q({ refId: 'A/kitchen', path: '/rooms/kitchen', event: 'kitchen' }),
        q({ refId: 'A/hall', path: '/rooms/hall', event: 'hall' }),
      ]);
      expect(response.errors).toBeUndefined();
    });

    it('expands a multi-value subject', async () => {
      await lastValueFrom(nats.query(request([q({ subject: 'home.$room.${floor}' })])));
      expect(sent().map((t) => [t.refId, t.subject])).toEqual([
        ['A/kitchen/1', 'home.kitchen.1'],
        ['A/kitchen/2', 'home.kitchen.2'],
        ['A/kitchen/3', 'home.kitchen.3'],
        ['A/hall/1', 'home.hall.1'],
        ['A/hall/2', 'home.hall.2'],
        ['A/hall/3', 'home.hall.3'],
      ]);
    });

    it('refuses a param or time field whose variable has several values and is not in the target', async () => {
      const ws = await lastValueFrom(websocket.query(request([q({ path: '/ws', subscribeMessage: '$room' })])));
      expect(ws.errors).toEqual([
        {
          refId: 'A',
          message:
            'Query A: subscribeMessage: $room has several values selected, and a query reads one subscribeMessage',
        },
      ]);
      const h = await lastValueFrom(http.query(request([q({ path: '/e', timeField: '$metric' })])));
      expect(h.errors?.[0].message).toBe(
        'Query A: timeField: $metric has several values selected, and a query reads one time field'
      );
      expect(sent()).toEqual([]);
    });

    it(`refuses a subject that would expand into more than ${MAX_EXPANDED_QUERIES} queries`, async () => {
      const values = Array.from({ length: MAX_EXPANDED_QUERIES + 1 }, (_, i) => `v${i}`);
      const scopedVars = { many: { text: 'many', value: values } };
      const response = await lastValueFrom(
        nats.query({ targets: [q({ subject: 'plant.$many' })], scopedVars } as unknown as DataQueryRequest<PulseQuery>)
      );
      expect(response.errors).toEqual([
        {
          refId: 'A',
          message:
            `Query A: the subject's variables select 101 subjects, and one query expands into at most ${MAX_EXPANDED_QUERIES}: ` +
            'select fewer values, or match them with a wildcard (for example a custom "All" value of *)',
        },
      ]);
      expect(sent()).toEqual([]);
    });

    it('holds back a query the backend would refuse, with its reason', async () => {
      const bounded = new DataSource(instanceSettings({ source: 'nats', allowedTopics: ['plant.>'] }));
      const response = await lastValueFrom(bounded.query(request([q({ subject: 'office.temp' })])));
      expect(response.errors).toEqual([
        { refId: 'A', message: `Query A: subject "office.temp" is not covered by this data source's allowed subjects` },
      ]);
      expect(sent()).toEqual([]);
    });
  });
});
