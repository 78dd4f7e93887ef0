import React from 'react';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { dataSourceSettings } from '../testing/fixtures';
import { PulseOptions } from '../types';
import { ConfigEditor } from './ConfigEditor';

function setup(jsonData: PulseOptions = {}) {
  const onOptionsChange = jest.fn();
  const options = dataSourceSettings(jsonData);
  render(<ConfigEditor options={options} onOptionsChange={onOptionsChange} />);
  return { onOptionsChange, options, user: userEvent.setup() };
}

describe('ConfigEditor', () => {
  it('renders both limits, showing defaults as placeholders', () => {
    setup({ maxSeries: 8 });
    expect(screen.getByLabelText('Minimum step (ms)')).toHaveAttribute('placeholder', '1');
    expect(screen.getByLabelText('Maximum series')).toHaveValue(8);
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
});
