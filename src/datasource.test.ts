import { CoreApp, DataQueryRequest, DataQueryResponse, ScopedVars } from '@grafana/data';
import { DataSourceWithBackend } from '@grafana/runtime';
import { lastValueFrom, of } from 'rxjs';

import { DataSource } from './datasource';
import { instanceSettings } from './testing/fixtures';
import { DEFAULT_QUERY, PulseQuery } from './types';

const VARIABLES: Record<string, string> = { step: '250', kind: 'sine', n: '3', word: 'many' };

// A template service that knows a few dashboard variables and lets scoped ones win, as Grafana's does.
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getTemplateSrv: () => ({
    replace: (text: string, scoped?: ScopedVars) =>
      text.replace(/\$(\w+)/g, (whole, name: string) => String(scoped?.[name]?.value ?? VARIABLES[name] ?? whole)),
  }),
}));

const q = (fields: Partial<PulseQuery>): PulseQuery => ({ refId: 'A', ...fields });

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
    let sent: PulseQuery[];
    beforeEach(() => {
      sent = [];
      jest.spyOn(DataSourceWithBackend.prototype, 'query').mockImplementation((request: DataQueryRequest) => {
        sent = request.targets as PulseQuery[];
        return of({ data: [] } as DataQueryResponse);
      });
    });
    afterEach(() => jest.restoreAllMocks());

    const request = (targets: PulseQuery[]) => ({ targets, scopedVars: {} }) as unknown as DataQueryRequest<PulseQuery>;

    it('sends valid queries untouched and answers none with an error', async () => {
      const targets = [q({ stepMs: '$step' }), q({ refId: 'B', kind: 'sine' })];
      const response = await lastValueFrom(ds.query(request(targets)));
      expect(sent).toEqual(targets);
      expect(response.errors).toBeUndefined();
    });

    it('holds back invalid queries and names the reason per refId', async () => {
      const targets = [q({ seriesCount: 40 }), q({ refId: 'B' }), q({ refId: 'C', stepMs: '$word' })];
      const response = await lastValueFrom(ds.query(request(targets)));
      expect(sent.map((t) => t.refId)).toEqual(['B']);
      expect(response.errors).toEqual([
        { refId: 'A', message: 'Query A: seriesCount must be between 1 and 16' },
        { refId: 'C', message: 'Query C: stepMs must be a number, got "many"' },
      ]);
    });

    it('applies the data source limits', async () => {
      const strict = new DataSource(instanceSettings({ minStepMs: 500, maxSeries: 2 }));
      const response = await lastValueFrom(strict.query(request([q({ stepMs: 100, seriesCount: 2 })])));
      expect(sent).toEqual([]);
      expect(response.errors?.[0].message).toBe('Query A: stepMs must be between 500 and 3,600,000');
    });
  });
});
