import { screen } from '@testing-library/react';

import { renderQueryEditor } from '../../testing/editors';
import { DEFAULT_QUERY, PulseOptions, PulseQuery } from '../../types';

/** The query editor of an MQTT data source, rendered again with each change as Grafana does. */
const setup = (fields: Partial<PulseQuery> = {}, jsonData: PulseOptions = {}, uid?: string) =>
  renderQueryEditor({ source: 'mqtt', ...jsonData }, fields, uid);

describe('MQTT query editor', () => {
  it('renders the query’s topic, streaming, time field, fields and flush window', () => {
    setup({ topic: 'plant/+/temp', withStreaming: true, timeField: 'ts', fields: ['celsius', 'hum'], flushMs: 250 });
    expect(screen.getByLabelText('Topic')).toHaveValue('plant/+/temp');
    expect(screen.getByRole('switch', { name: 'With streaming' })).toBeChecked();
    expect(screen.getByLabelText('Time field')).toHaveValue('ts');
    expect(screen.getByLabelText('Field 1')).toHaveValue('celsius');
    expect(screen.getByLabelText('Field 2')).toHaveValue('hum');
    expect(screen.getByLabelText('Flush (ms)')).toHaveValue(250);
    expect(screen.queryByTestId('pulse-query-problems')).not.toBeInTheDocument();
  });

  it('asks for a topic, and shows the defaults', () => {
    setup({ withStreaming: true });
    expect(screen.getByTestId('pulse-query-problems')).toHaveTextContent(
      'topic is required: the MQTT topic or topic filter to read'
    );
    expect(screen.getByLabelText('Time field')).toHaveAttribute('placeholder', 'arrival time');
    expect(screen.getByLabelText('Flush (ms)')).toHaveAttribute('placeholder', '100');
    expect(screen.getByText('Every field')).toBeInTheDocument();
  });

  it('commits the topic on blur, once, and runs the query', async () => {
    const { onChange, onRunQuery, user } = setup({ withStreaming: true });
    await user.type(screen.getByLabelText('Topic'), 'plant/+/temp');
    expect(onChange).not.toHaveBeenCalled();
    await user.tab();
    expect(onChange.mock.calls).toEqual([[{ refId: 'A', withStreaming: true, topic: 'plant/+/temp' }]]);
    expect(onRunQuery).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId('pulse-query-problems')).not.toBeInTheDocument();
  });

  it('flags a misplaced wildcard while typing, and the backend’s refusal once committed', async () => {
    const { user } = setup();
    const topic = screen.getByLabelText('Topic');
    await user.type(topic, 'plant/#/temp');
    expect(topic).toHaveAttribute('aria-invalid', 'true');
    await user.keyboard('{Enter}');
    expect(screen.getByTestId('pulse-query-problems')).toHaveTextContent(
      `topic '#' must be a whole level and the last one, got "plant/#/temp"`
    );
  });

  it('accepts template variables in the topic', async () => {
    const { last, user } = setup();
    await user.type(screen.getByLabelText('Topic'), 'plant/$line/temp{Enter}');
    expect(last().topic).toBe('plant/$line/temp');
    expect(screen.queryByTestId('pulse-query-problems')).not.toBeInTheDocument();
  });

  it('turns streaming on and off; the flush window shows only with streaming', async () => {
    const { last, onRunQuery, user } = setup({ topic: 't' });
    expect(screen.queryByLabelText('Flush (ms)')).not.toBeInTheDocument();
    await user.click(screen.getByRole('switch', { name: 'With streaming' }));
    expect(last()).toEqual({ refId: 'A', topic: 't', withStreaming: true });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
    const flush = screen.getByLabelText('Flush (ms)');
    await user.type(flush, '5');
    expect(screen.getByText('must be between 10 and 10,000')).toBeInTheDocument();
    await user.tab();
    expect(last()).toEqual({ refId: 'A', topic: 't', withStreaming: true, flushMs: 10 });
    await user.clear(flush);
    await user.tab();
    expect(last()).toEqual({ refId: 'A', topic: 't', withStreaming: true });
  });

  it('sets and clears the time field', async () => {
    const { last, user } = setup({ topic: 't' });
    await user.type(screen.getByLabelText('Time field'), 'meta.ts');
    await user.tab();
    expect(last()).toEqual({ refId: 'A', topic: 't', timeField: 'meta.ts' });
    await user.clear(screen.getByLabelText('Time field'));
    await user.tab();
    expect(last()).toEqual({ refId: 'A', topic: 't' });
  });

  it('adds, edits and removes field paths, and keeps every field with none', async () => {
    const { last, onRunQuery, user } = setup({ topic: 't' });
    await user.click(screen.getByRole('button', { name: 'Add field' }));
    await user.keyboard('celsius');
    await user.tab();
    expect(last()).toEqual({ refId: 'A', topic: 't', fields: ['celsius'] });
    await user.click(screen.getByRole('button', { name: 'Add field' }));
    await user.keyboard('sensor.hum{Enter}');
    expect(last().fields).toEqual(['celsius', 'sensor.hum']);
    await user.click(screen.getByRole('button', { name: 'Remove field 1' }));
    expect(last().fields).toEqual(['sensor.hum']);
    await user.click(screen.getByRole('button', { name: 'Remove field 1' }));
    expect(last()).toEqual({ refId: 'A', topic: 't' });
    expect(screen.getByText('Every field')).toBeInTheDocument();
    expect(onRunQuery).toHaveBeenCalledTimes(4);
  });

  it('flags a path longer than 1 024 bytes', async () => {
    setup({ topic: 't', fields: ['x'.repeat(1025)] });
    expect(screen.getByText('at most 1,024 bytes')).toBeInTheDocument();
    expect(screen.getByTestId('pulse-query-problems')).toHaveTextContent('fields entry 1 must be at most 1,024 bytes');
  });

  it('warns before running a streaming query whose channel would pass 160 characters', async () => {
    const { user } = setup({ topic: 't'.repeat(77), withStreaming: true }, {}, 'u'.repeat(40));
    expect(screen.queryByTestId('pulse-query-problems')).not.toBeInTheDocument();
    await user.type(screen.getByLabelText('Time field'), 'ts{Enter}');
    expect(screen.getByTestId('pulse-query-problems')).toHaveTextContent(
      "with streaming, this query's channel would be 163 characters long, and Grafana allows 160"
    );
    await user.click(screen.getByRole('switch', { name: 'With streaming' }));
    expect(screen.queryByTestId('pulse-query-problems')).not.toBeInTheDocument();
  });

  it('names a topic outside the data source’s allowed topics', () => {
    setup({ topic: 'office/temp' }, { allowedTopics: ['plant/#'] });
    expect(screen.getByTestId('pulse-query-problems')).toHaveTextContent(
      `topic "office/temp" is not covered by this data source's allowed topics`
    );
  });

  it('offers to remove the fields a signals editor wrote', async () => {
    const { last, user } = setup({ ...DEFAULT_QUERY, topic: 't' });
    expect(screen.getByTestId('pulse-query-foreign')).toHaveTextContent(
      'This query also carries kind, stepMs, periodMs, amplitude, offset, seed, seriesCount'
    );
    await user.click(screen.getByRole('button', { name: 'Remove them' }));
    expect(last()).toEqual({ refId: 'A', topic: 't', withStreaming: false, flushMs: 100 });
    expect(screen.queryByTestId('pulse-query-foreign')).not.toBeInTheDocument();
  });
});
