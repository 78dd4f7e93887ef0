import React from 'react';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { DataSource } from '../datasource';
import { instanceSettings } from '../testing/fixtures';
import { DEFAULT_QUERY, PulseOptions, PulseQuery } from '../types';
import { QueryEditor } from './QueryEditor';

function setup(fields: Partial<PulseQuery> = DEFAULT_QUERY, jsonData: PulseOptions = {}) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  const query: PulseQuery = { refId: 'A', ...fields };
  const datasource = new DataSource(instanceSettings(jsonData));
  render(<QueryEditor query={query} datasource={datasource} onChange={onChange} onRunQuery={onRunQuery} />);
  return { onChange, onRunQuery, query, user: userEvent.setup() };
}

/** Every query passed to onChange. */
const emitted = (onChange: jest.Mock): PulseQuery[] => onChange.mock.calls.map(([q]) => q);

describe('QueryEditor', () => {
  it('renders every control with the query values', () => {
    setup({ ...DEFAULT_QUERY, kind: 'sine', stepMs: 250 });
    expect(screen.getByRole('radio', { name: 'Sine' })).toBeChecked();
    expect(screen.getByRole('switch', { name: 'With streaming' })).not.toBeChecked();
    expect(screen.getByLabelText('Step (ms)')).toHaveValue(250);
    expect(screen.getByLabelText('Period (ms)')).toHaveValue(60000);
    for (const label of ['Series', 'Amplitude', 'Offset', 'Seed']) {
      expect(screen.getByLabelText(label)).toBeInTheDocument();
    }
  });

  it('turns streaming on, then runs the query', async () => {
    const { onChange, onRunQuery, query, user } = setup();
    await user.click(screen.getByRole('switch', { name: 'With streaming' }));
    expect(onChange).toHaveBeenCalledWith({ ...query, withStreaming: true });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
    expect(onChange.mock.invocationCallOrder[0]).toBeLessThan(onRunQuery.mock.invocationCallOrder[0]);
  });

  it('changes kind and runs the query', async () => {
    const { onChange, onRunQuery, query, user } = setup();
    await user.click(screen.getByRole('radio', { name: 'Square' }));
    expect(onChange).toHaveBeenCalledWith({ ...query, kind: 'square' });
    expect(onRunQuery).toHaveBeenCalled();
  });

  it('shows the period only for periodic kinds', () => {
    setup({ kind: 'counter' });
    expect(screen.queryByLabelText('Period (ms)')).not.toBeInTheDocument();
  });

  it('shows the flush window only for a streaming query, and commits it', async () => {
    setup({ ...DEFAULT_QUERY, withStreaming: false });
    expect(screen.queryByLabelText('Flush (ms)')).not.toBeInTheDocument();
    cleanup();
    const { onChange, user } = setup({ ...DEFAULT_QUERY, withStreaming: true });
    const flush = screen.getByLabelText('Flush (ms)');
    expect(flush).toHaveValue(100);
    await user.clear(flush);
    await user.type(flush, '250');
    await user.tab();
    expect(emitted(onChange)).toEqual([{ refId: 'A', ...DEFAULT_QUERY, withStreaming: true, flushMs: 250 }]);
  });

  it('commits a number in bounds on blur', async () => {
    const { onChange, onRunQuery, query, user } = setup();
    const step = screen.getByLabelText('Step (ms)');
    await user.clear(step);
    await user.type(step, '250');
    expect(onChange).not.toHaveBeenCalled();
    await user.tab();
    expect(onChange).toHaveBeenLastCalledWith({ ...query, stepMs: 250 });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('flags a value beyond max while typing and clamps it on commit', async () => {
    const { onChange, query, user } = setup();
    const series = screen.getByLabelText('Series');
    await user.clear(series);
    await user.type(series, '99');
    expect(screen.getByText('must be between 1 and 16')).toBeInTheDocument();
    expect(series).toHaveAttribute('aria-invalid', 'true');
    await user.keyboard('{Enter}');
    expect(emitted(onChange)).toEqual([{ ...query, seriesCount: 16 }]);
    expect(series).toHaveValue(16);
    expect(screen.queryByText('must be between 1 and 16')).not.toBeInTheDocument();
  });

  it('never emits a value out of the data source limits', async () => {
    const { onChange, query, user } = setup(DEFAULT_QUERY, { minStepMs: 100, maxSeries: 4 });
    await user.clear(screen.getByLabelText('Step (ms)'));
    await user.type(screen.getByLabelText('Step (ms)'), '5');
    await user.clear(screen.getByLabelText('Series'));
    await user.type(screen.getByLabelText('Series'), '7');
    expect(screen.getByText('must be between 1 and 4')).toBeInTheDocument();
    await user.tab();
    expect(emitted(onChange)).toEqual([
      { ...query, stepMs: 100 },
      { ...query, seriesCount: 4 },
    ]);
  });

  it('rounds whole-number fields and clears to the default', async () => {
    const { onChange, query, user } = setup();
    const seed = screen.getByLabelText('Seed');
    await user.clear(seed);
    await user.type(seed, '4.6');
    expect(screen.getByText('must be a whole number')).toBeInTheDocument();
    await user.tab();
    expect(onChange).toHaveBeenLastCalledWith({ ...query, seed: 5 });
    await user.clear(screen.getByLabelText('Amplitude'));
    await user.tab();
    expect(onChange).toHaveBeenLastCalledWith({ ...query, amplitude: undefined });
  });

  it('keeps a template variable and explains a query the backend would refuse', () => {
    // periodMs is hidden for a counter, but the backend still checks it.
    setup({ stepMs: '$step', seriesCount: 30, kind: 'counter', periodMs: 1 });
    expect(screen.getByLabelText('Step (ms)')).toHaveValue('$step');
    expect(screen.getByTestId('pulse-query-problems')).toHaveTextContent(
      'periodMs must be between 10 and 86,400,000; seriesCount must be between 1 and 16'
    );
  });
});

describe('QueryEditor by source', () => {
  const render1 = (jsonData: PulseOptions, fields: Partial<PulseQuery> = {}) => {
    const datasource = new DataSource(instanceSettings(jsonData));
    render(
      <QueryEditor
        query={{ refId: 'A', ...fields }}
        datasource={datasource}
        onChange={jest.fn()}
        onRunQuery={jest.fn()}
      />
    );
  };

  it('edits a signals query when the data source names no source', () => {
    render1({});
    expect(screen.getByTestId('pulse-query-editor')).toHaveAttribute('data-source', 'signals');
    expect(screen.getByTestId('pulse-query-signals')).toBeInTheDocument();
    expect(screen.queryByLabelText('Topic')).not.toBeInTheDocument();
  });

  it('edits an MQTT query for an MQTT data source', () => {
    render1({ source: 'mqtt' }, { topic: 'plant/+/temp' });
    expect(screen.getByTestId('pulse-query-editor')).toHaveAttribute('data-source', 'mqtt');
    expect(screen.getByTestId('pulse-query-mqtt')).toBeInTheDocument();
    expect(screen.getByLabelText('Topic')).toHaveValue('plant/+/temp');
    expect(screen.queryByRole('radio', { name: 'Sine' })).not.toBeInTheDocument();
  });

  it('says so for a source it does not know', () => {
    render1({ source: 'kafka' });
    expect(screen.getByTestId('pulse-query-editor')).toHaveTextContent(
      'This data source reads the source "kafka", which this version of Pulse has no query editor for.'
    );
  });
});
