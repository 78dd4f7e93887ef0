import React from 'react';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { renderConfigEditor } from '../testing/editors';
import { dataSourceSettings } from '../testing/fixtures';
import { PulseOptions } from '../types';
import { ConfigEditor } from './ConfigEditor';

function setup(jsonData: PulseOptions = {}) {
  const onOptionsChange = jest.fn();
  const options = dataSourceSettings(jsonData);
  render(<ConfigEditor options={options} onOptionsChange={onOptionsChange} />);
  return { onOptionsChange, options, user: userEvent.setup() };
}

/** As Grafana does, renders the editor again with the settings it emitted. */
const setupLive = (jsonData: PulseOptions = {}) => renderConfigEditor(jsonData);

describe('ConfigEditor', () => {
  it('renders the three limits, showing defaults as placeholders', () => {
    setup({ maxSeries: 8 });
    expect(screen.getByLabelText('Minimum step (ms)')).toHaveAttribute('placeholder', '1');
    expect(screen.getByLabelText('Maximum series')).toHaveValue(8);
    expect(screen.getByLabelText('Maximum streams')).toHaveAttribute('placeholder', '1000');
    expect(screen.getByLabelText('Maximum streams')).toHaveValue(null);
  });

  it('shows a saved stream limit', () => {
    setup({ maxStreams: 250 });
    expect(screen.getByLabelText('Maximum streams')).toHaveValue(250);
  });

  it('saves a limit into jsonData, keeping the other settings', async () => {
    const { onOptionsChange, options, user } = setup({ maxSeries: 8 });
    await user.type(screen.getByLabelText('Minimum step (ms)'), '500');
    await user.tab();
    expect(onOptionsChange).toHaveBeenCalledWith({ ...options, jsonData: { maxSeries: 8, minStepMs: 500 } });
  });

  it('flags and clamps a limit out of bounds, and drops a cleared one', async () => {
    const { onOptionsChange, options, user } = setup({ maxSeries: 8 });
    const maxSeries = screen.getByLabelText('Maximum series');
    await user.clear(maxSeries);
    await user.type(maxSeries, '40');
    expect(screen.getByText('must be between 1 and 16')).toBeInTheDocument();
    await user.tab();
    expect(onOptionsChange).toHaveBeenLastCalledWith({ ...options, jsonData: { maxSeries: 16 } });
    await user.clear(maxSeries);
    await user.tab();
    expect(onOptionsChange).toHaveBeenLastCalledWith({ ...options, jsonData: {} });
  });

  it('saves the stream limit as a whole number within 1 … 10 000, and drops it when cleared', async () => {
    const { onOptionsChange, options, user } = setupLive({ minStepMs: 100 });
    const maxStreams = screen.getByLabelText('Maximum streams');
    await user.type(maxStreams, '50');
    await user.tab();
    expect(onOptionsChange).toHaveBeenLastCalledWith({ ...options, jsonData: { minStepMs: 100, maxStreams: 50 } });

    await user.clear(maxStreams);
    await user.type(maxStreams, '20000');
    expect(screen.getByText('must be between 1 and 10,000')).toBeInTheDocument();
    await user.tab();
    expect(onOptionsChange).toHaveBeenLastCalledWith({ ...options, jsonData: { minStepMs: 100, maxStreams: 10_000 } });

    await user.clear(maxStreams);
    await user.type(maxStreams, '0');
    await user.tab();
    expect(onOptionsChange).toHaveBeenLastCalledWith({ ...options, jsonData: { minStepMs: 100, maxStreams: 1 } });

    await user.clear(maxStreams);
    await user.type(maxStreams, '12.5');
    expect(screen.getByText('must be a whole number')).toBeInTheDocument();
    await user.tab();
    expect(onOptionsChange).toHaveBeenLastCalledWith({ ...options, jsonData: { minStepMs: 100, maxStreams: 13 } });

    await user.clear(maxStreams);
    await user.tab();
    expect(onOptionsChange).toHaveBeenLastCalledWith({ ...options, jsonData: { minStepMs: 100 } });
  });
});

describe('ConfigEditor’s source picker', () => {
  it('shows the signals’ limits when the settings name no source', () => {
    setup({ maxSeries: 8 });
    expect(screen.getByRole('radio', { name: 'Signals' })).toBeChecked();
    expect(screen.getByRole('radio', { name: 'MQTT' })).not.toBeChecked();
    expect(screen.getByTestId('pulse-config-signals')).toBeInTheDocument();
    expect(screen.queryByTestId('pulse-config-mqtt')).not.toBeInTheDocument();
  });

  it('switches to MQTT, keeping the other settings, and shows the MQTT editor', async () => {
    const { onOptionsChange, options, user } = setupLive({ maxSeries: 8 });
    await user.click(screen.getByRole('radio', { name: 'MQTT' }));
    expect(onOptionsChange).toHaveBeenLastCalledWith({ ...options, jsonData: { maxSeries: 8, source: 'mqtt' } });
    expect(screen.getByTestId('pulse-config-mqtt')).toBeInTheDocument();
    expect(screen.queryByLabelText('Maximum series')).not.toBeInTheDocument();
    expect(screen.getByLabelText('URI')).toBeInTheDocument();

    await user.click(screen.getByRole('radio', { name: 'Signals' }));
    expect(onOptionsChange).toHaveBeenLastCalledWith({ ...options, jsonData: { maxSeries: 8, source: 'signals' } });
    expect(screen.getByLabelText('Maximum series')).toHaveValue(8);
  });

  it('says so when the settings name a source it does not know', () => {
    setup({ source: 'kafka' });
    expect(screen.getByTestId('pulse-config-unknown-source')).toHaveTextContent(
      'This data source reads the source "kafka", which this version of Pulse does not know. Pick one of Signals, MQTT, HTTP stream, WebSocket, NATS.'
    );
    expect(screen.getByRole('radio', { name: 'Signals' })).not.toBeChecked();
    expect(screen.getByRole('radio', { name: 'MQTT' })).not.toBeChecked();
  });
});
