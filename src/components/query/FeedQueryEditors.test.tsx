import { screen } from '@testing-library/react';

import { renderQueryEditor } from '../../testing/editors';
import { PulseOptions, PulseQuery } from '../../types';

/** The query editor of a feed data source, rendered again with each change as Grafana does. */
const setup = (source: string, fields: Partial<PulseQuery> = {}, jsonData: PulseOptions = {}, uid?: string) =>
  renderQueryEditor({ source, ...jsonData }, fields, uid);

const problems = () => screen.getByTestId('pulse-query-problems');

describe('HTTP stream query editor', () => {
  it('renders the path, format, event and the shared fields', () => {
    setup('http', {
      path: '/events',
      format: 'ndjson',
      event: 'tick',
      withStreaming: true,
      timeField: 'ts',
      fields: ['a'],
    });
    expect(screen.getByTestId('pulse-query-http')).toBeInTheDocument();
    expect(screen.getByLabelText('Path')).toHaveValue('/events');
    expect(screen.getByRole('radio', { name: 'NDJSON' })).toBeChecked();
    expect(screen.getByLabelText('Event')).toHaveValue('tick');
    expect(screen.getByRole('switch', { name: 'With streaming' })).toBeChecked();
    expect(screen.getByLabelText('Time field')).toHaveValue('ts');
    expect(screen.getByLabelText('Field 1')).toHaveValue('a');
    expect(screen.getByLabelText('Flush (ms)')).toHaveAttribute('placeholder', '100');
    expect(screen.queryByTestId('pulse-query-problems')).not.toBeInTheDocument();
  });

  it('asks for a path, and commits it once on blur', async () => {
    const { onChange, onRunQuery, user } = setup('http', { withStreaming: true });
    expect(problems()).toHaveTextContent("path is required: the path to read under the data source's URL");
    expect(screen.getByRole('radio', { name: 'Auto' })).toBeChecked();
    expect(screen.getByLabelText('Event')).toHaveAttribute('placeholder', 'every event');
    await user.type(screen.getByLabelText('Path'), '/events?room=kitchen');
    expect(onChange).not.toHaveBeenCalled();
    await user.tab();
    expect(onChange.mock.calls).toEqual([[{ refId: 'A', withStreaming: true, path: '/events?room=kitchen' }]]);
    expect(onRunQuery).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId('pulse-query-problems')).not.toBeInTheDocument();
  });

  it('flags a path that would leave the URL while typing, and the backend’s refusal once committed', async () => {
    const { user } = setup('http');
    const path = screen.getByLabelText('Path');
    await user.type(path, '/a/../..');
    expect(path).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getAllByText("must stay under the data source's URL, but .. climbs above it").length).toBeGreaterThan(
      0
    );
    await user.keyboard('{Enter}');
    expect(problems()).toHaveTextContent("path must stay under the data source's URL, but .. climbs above it");
    await user.clear(path);
    await user.type(path, 'https://elsewhere/x{Enter}');
    expect(problems()).toHaveTextContent("path must be a path under the data source's URL, not an absolute URL");
  });

  it('writes the format, leaving it out for Auto, and the event', async () => {
    const { last, user } = setup('http', { path: 'e' });
    await user.click(screen.getByRole('radio', { name: 'SSE' }));
    expect(last()).toEqual({ refId: 'A', path: 'e', format: 'sse' });
    await user.click(screen.getByRole('radio', { name: 'Auto' }));
    expect(last()).toEqual({ refId: 'A', path: 'e' });
    await user.type(screen.getByLabelText('Event'), 'tick{Enter}');
    expect(last()).toEqual({ refId: 'A', path: 'e', event: 'tick' });
  });

  it('accepts template variables in the path and event', async () => {
    const { last, user } = setup('http');
    await user.type(screen.getByLabelText('Path'), '/rooms/$room/events{Enter}');
    await user.type(screen.getByLabelText('Event'), '$kind{Enter}');
    expect(last()).toEqual({ refId: 'A', path: '/rooms/$room/events', event: '$kind' });
    expect(screen.queryByTestId('pulse-query-problems')).not.toBeInTheDocument();
  });

  it('names a path outside the allowed paths', async () => {
    setup('http', { path: '/admin' }, { allowedTopics: ['/events/*'] });
    expect(problems()).toHaveTextContent(`path "/admin" is not covered by this data source's allowed paths`);
  });

  it('counts the format and event in the channel’s length', async () => {
    const { user } = setup('http', { path: 'p'.repeat(75), withStreaming: true }, {}, 'u'.repeat(40));
    expect(screen.queryByTestId('pulse-query-problems')).not.toBeInTheDocument();
    await user.type(screen.getByLabelText('Event'), 'tick{Enter}');
    expect(problems()).toHaveTextContent(
      "with streaming, this query's channel would be 166 characters long, and Grafana allows 160 (the path, format, event, time field and fields take"
    );
  });

  it('offers to remove the fields another source’s editor wrote', async () => {
    const { last, user } = setup('http', { path: 'e', topic: 't', timeField: 'ts' });
    expect(screen.getByTestId('pulse-query-foreign')).toHaveTextContent('This query also carries topic');
    await user.click(screen.getByRole('button', { name: 'Remove them' }));
    expect(last()).toEqual({ refId: 'A', path: 'e', timeField: 'ts' });
  });
});

describe('WebSocket query editor', () => {
  it('commits the subscribe message on blur, and clears it when emptied', async () => {
    const { last, onRunQuery, user } = setup('websocket', { path: '/ws' });
    expect(screen.getByTestId('pulse-query-websocket')).toBeInTheDocument();
    const message = screen.getByLabelText('Subscribe message');
    await user.click(message);
    await user.paste('{"op": "subscribe", "channel": "$room"}');
    expect(onRunQuery).not.toHaveBeenCalled();
    await user.tab();
    expect(last()).toEqual({ refId: 'A', path: '/ws', subscribeMessage: '{"op": "subscribe", "channel": "$room"}' });
    await user.clear(message);
    await user.tab();
    expect(last()).toEqual({ refId: 'A', path: '/ws' });
    expect(onRunQuery).toHaveBeenCalledTimes(2);
  });

  it('flags a subscribe message over 16 KiB', async () => {
    setup('websocket', { path: '/ws', subscribeMessage: 'm'.repeat(16_385) });
    expect(screen.getByText('must be at most 16,384 bytes (16 KiB), got 16,385')).toBeInTheDocument();
    expect(problems()).toHaveTextContent('subscribeMessage must be at most 16,384 bytes (16 KiB), got 16,385');
  });

  it('checks the path as the HTTP editor does', () => {
    setup('websocket', { path: '//other/ws' });
    expect(problems()).toHaveTextContent('path must not name a host (//…)');
  });
});

describe('NATS query editor', () => {
  it('renders the subject and the shared fields, and asks for a subject', () => {
    setup('nats', { withStreaming: true });
    expect(screen.getByTestId('pulse-query-nats')).toBeInTheDocument();
    expect(problems()).toHaveTextContent('subject is required: the NATS subject to read');
    expect(screen.getByLabelText('Subject')).toHaveAttribute('placeholder', 'plant.*.temp');
    expect(screen.getByText('Every field')).toBeInTheDocument();
  });

  it('commits the subject, flags a misplaced wildcard and accepts variables', async () => {
    const { last, user } = setup('nats');
    const subject = screen.getByLabelText('Subject');
    await user.type(subject, 'plant.>.temp');
    expect(subject).toHaveAttribute('aria-invalid', 'true');
    await user.keyboard('{Enter}');
    expect(problems()).toHaveTextContent(`subject '>' must be the last token, got "plant.>.temp"`);
    await user.clear(subject);
    await user.type(subject, 'plant.$line.temp{Enter}');
    expect(last()).toEqual({ refId: 'A', subject: 'plant.$line.temp' });
    expect(screen.queryByTestId('pulse-query-problems')).not.toBeInTheDocument();
  });

  it('names a subject outside the allowed subjects', () => {
    setup('nats', { subject: 'office.temp' }, { allowedTopics: ['plant.>'] });
    expect(problems()).toHaveTextContent(`subject "office.temp" is not covered by this data source's allowed subjects`);
  });

  it('turns streaming on, and shows the flush window with it', async () => {
    const { last, user } = setup('nats', { subject: 's' });
    expect(screen.queryByLabelText('Flush (ms)')).not.toBeInTheDocument();
    await user.click(screen.getByRole('switch', { name: 'With streaming' }));
    expect(last()).toEqual({ refId: 'A', subject: 's', withStreaming: true });
    await user.type(screen.getByLabelText('Flush (ms)'), '250{Enter}');
    expect(last()).toEqual({ refId: 'A', subject: 's', withStreaming: true, flushMs: 250 });
  });
});
