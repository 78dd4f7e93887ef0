import { screen, within } from '@testing-library/react';

import { renderConfigEditor } from '../../testing/editors';
import { PulseOptions, SecureField } from '../../types';
import { formatBytes } from './MqttConfig';

/** The config editor of an MQTT data source, rendered again with each change as Grafana does. */
const setup = (jsonData: PulseOptions = {}, configured: SecureField[] = []) =>
  renderConfigEditor({ source: 'mqtt', ...jsonData }, configured);

describe('MQTT config editor', () => {
  it('shows the saved connection settings, and the defaults as placeholders', () => {
    setup({ uri: 'tcp://mqtt:1883', username: 'grafana', clientID: 'pulse-1', protocolVersion: '5', maxStreams: 50 });
    expect(screen.getByRole('radio', { name: 'MQTT' })).toBeChecked();
    expect(screen.getByLabelText('URI')).toHaveValue('tcp://mqtt:1883');
    expect(screen.getByLabelText('Username')).toHaveValue('grafana');
    expect(screen.getByLabelText('Client ID')).toHaveValue('pulse-1');
    expect(screen.getByRole('radio', { name: 'MQTT 5' })).toBeChecked();
    expect(screen.getByLabelText('History rows per topic')).toHaveAttribute('placeholder', '10000');
    expect(screen.getByLabelText('History bytes per topic')).toHaveAttribute('placeholder', '4194304');
    expect(screen.getByLabelText('Linger (s)')).toHaveAttribute('placeholder', '600');
    expect(screen.getByLabelText('Maximum streams')).toHaveValue(50);
    expect(screen.getByTestId('pulse-mqtt-memory')).toHaveTextContent(
      'At most 50 histories of 4 MiB each: up to 200 MiB of memory.'
    );
  });

  it('commits the connection settings on blur, and drops a cleared one', async () => {
    const { last, user } = setup({ username: 'old' });
    await user.type(screen.getByLabelText('URI'), 'mqtts://broker:8883');
    await user.tab();
    expect(last().jsonData).toEqual({ source: 'mqtt', username: 'old', uri: 'mqtts://broker:8883' });
    await user.clear(screen.getByLabelText('Username'));
    await user.tab();
    expect(last().jsonData).toEqual({ source: 'mqtt', uri: 'mqtts://broker:8883' });
    await user.type(screen.getByLabelText('Client ID'), 'grafana-1{Enter}');
    expect(last().jsonData).toMatchObject({ clientID: 'grafana-1' });
    await user.click(screen.getByRole('radio', { name: 'MQTT 5' }));
    expect(last().jsonData).toMatchObject({ protocolVersion: '5' });
    await user.click(screen.getByRole('radio', { name: 'MQTT 3.1.1' }));
    expect(last().jsonData).toMatchObject({ protocolVersion: '3.1.1' });
  });

  it('flags a URI the backend would refuse', async () => {
    const { user } = setup();
    const uri = screen.getByLabelText('URI');
    await user.type(uri, 'http://broker');
    expect(screen.getByText(/^must be tcp:\/\/, mqtt:\/\//)).toBeInTheDocument();
    expect(uri).toHaveAttribute('aria-invalid', 'true');
    await user.clear(uri);
    await user.type(uri, 'tcp://user:pw@broker');
    expect(
      screen.getByText('must not hold a user name or password: set Username and Password instead')
    ).toBeInTheDocument();
    await user.clear(uri);
    await user.type(uri, 'ws://broker:9001/mqtt');
    expect(uri).toHaveAttribute('aria-invalid', 'false');
  });

  it('says when the TLS settings are ignored for the URI’s scheme', () => {
    setup({ uri: 'tcp://broker' });
    expect(screen.getByText(/this URI is not one, so these settings are ignored/)).toBeInTheDocument();
  });

  describe('secrets', () => {
    it('sends a new password in secureJsonData', async () => {
      const { last, user } = setup();
      const password = screen.getByLabelText('Password');
      expect(password).toHaveAttribute('type', 'password');
      await user.type(password, 's3cret');
      expect(last().secureJsonData).toEqual({ password: 's3cret' });
      expect(last().jsonData).toEqual({ source: 'mqtt' });
    });

    it('shows a saved password as configured, never its value, and reset clears it', async () => {
      const { last, user } = setup({}, ['password']);
      const password = screen.getByLabelText('Password');
      expect(password).toHaveValue('configured');
      expect(password).toBeDisabled();
      await user.click(within(screen.getByTestId('pulse-config-mqtt')).getByRole('button', { name: 'Reset' }));
      expect(last().secureJsonFields).toEqual({ password: false });
      expect(last().secureJsonData).toEqual({ password: '' });
      expect(screen.getByLabelText('Password')).toHaveValue('');
      expect(screen.getByLabelText('Password')).toBeEnabled();
      await user.type(screen.getByLabelText('Password'), 'new');
      expect(last().secureJsonData).toEqual({ password: 'new' });
    });

    it('asks for the CA certificate when it is read, and takes it as PEM', async () => {
      const { last, user } = setup({ uri: 'tls://broker' });
      expect(screen.queryByLabelText('CA certificate')).not.toBeInTheDocument();
      await user.click(screen.getByLabelText('With CA certificate'));
      expect(last().jsonData).toMatchObject({ tlsAuthWithCACert: true });
      expect(screen.getByText('required while “CA certificate” is read')).toBeInTheDocument();
      await user.click(screen.getByLabelText('CA certificate'));
      await user.paste('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----');
      expect(last().secureJsonData).toEqual({
        tlsCACert: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
      });
      expect(screen.queryByText('required while “CA certificate” is read')).not.toBeInTheDocument();
    });

    it('shows a configured client certificate and key, and resets each alone', async () => {
      const { last, user } = setup({ uri: 'tls://broker', tlsAuth: true }, ['tlsClientCert', 'tlsClientKey']);
      expect(screen.getByLabelText('Client certificate')).toHaveValue('configured');
      expect(screen.getByLabelText('Client key')).toHaveValue('configured');
      expect(screen.queryByText(/^required while/)).not.toBeInTheDocument();
      const resets = within(screen.getByTestId('pulse-config-mqtt')).getAllByRole('button', { name: 'Reset' });
      expect(resets).toHaveLength(2);
      await user.click(resets[1]);
      expect(last().secureJsonFields).toEqual({ tlsClientCert: true, tlsClientKey: false });
      expect(last().secureJsonData).toEqual({ tlsClientKey: '' });
      expect(screen.getByLabelText('Client certificate')).toHaveValue('configured');
      expect(screen.getByText('required while “Client key” is read')).toBeInTheDocument();
    });

    it('turns the TLS flags on and off', async () => {
      const { last, user } = setup({ uri: 'wss://broker' });
      await user.click(screen.getByLabelText('Skip TLS verification'));
      expect(last().jsonData).toMatchObject({ tlsSkipVerify: true });
      await user.click(screen.getByLabelText('With client certificate'));
      expect(last().jsonData).toMatchObject({ tlsSkipVerify: true, tlsAuth: true });
      expect(screen.getByLabelText('Client certificate')).toBeInTheDocument();
      await user.click(screen.getByLabelText('Skip TLS verification'));
      expect(last().jsonData).toMatchObject({ tlsSkipVerify: false, tlsAuth: true });
    });
  });

  describe('allowed topics', () => {
    it('adds, edits and removes topic filters', async () => {
      const { last, user } = setup({ allowedTopics: ['plant/#'] });
      expect(screen.getByLabelText('Allowed topic 1')).toHaveValue('plant/#');
      await user.click(screen.getByRole('button', { name: 'Add allowed topic' }));
      // The new entry has the focus.
      await user.keyboard('office/+/temp');
      await user.tab();
      expect(last().jsonData.allowedTopics).toEqual(['plant/#', 'office/+/temp']);
      await user.clear(screen.getByLabelText('Allowed topic 1'));
      await user.type(screen.getByLabelText('Allowed topic 1'), 'plant/line1/#{Enter}');
      expect(last().jsonData.allowedTopics).toEqual(['plant/line1/#', 'office/+/temp']);
      await user.click(screen.getByRole('button', { name: 'Remove allowed topic 1' }));
      expect(last().jsonData.allowedTopics).toEqual(['office/+/temp']);
      await user.click(screen.getByRole('button', { name: 'Remove allowed topic 1' }));
      expect(last().jsonData).toEqual({ source: 'mqtt' });
      expect(screen.getByText('No allowed topics: queries may read any topic.')).toBeInTheDocument();
    });

    it('flags a filter that is not one', async () => {
      const { user } = setup();
      await user.click(screen.getByRole('button', { name: 'Add allowed topic' }));
      await user.keyboard('plant/#/temp');
      expect(screen.getByText(`'#' must be a whole level and the last one, got "plant/#/temp"`)).toBeInTheDocument();
      expect(screen.getByLabelText('Allowed topic 1')).toHaveAttribute('aria-invalid', 'true');
    });

    it('drops an entry left empty', async () => {
      const { onOptionsChange, user } = setup();
      await user.click(screen.getByRole('button', { name: 'Add allowed topic' }));
      await user.tab();
      expect(onOptionsChange).not.toHaveBeenCalled();
    });
  });

  describe('history and limits', () => {
    it('flags and clamps values out of bounds, and drops cleared ones', async () => {
      const { last, user } = setup();
      const bytes = screen.getByLabelText('History bytes per topic');
      await user.type(bytes, '1000');
      expect(screen.getByText('must be between 65,536 and 1,073,741,824')).toBeInTheDocument();
      await user.tab();
      expect(last().jsonData).toEqual({ source: 'mqtt', historyMaxBytes: 65_536 });

      const rows = screen.getByLabelText('History rows per topic');
      await user.type(rows, '2000000');
      expect(screen.getByText('must be between 1 and 1,000,000')).toBeInTheDocument();
      await user.tab();
      expect(last().jsonData).toMatchObject({ historyMaxRows: 1_000_000 });

      const linger = screen.getByLabelText('Linger (s)');
      await user.type(linger, '0');
      await user.tab();
      expect(last().jsonData).toMatchObject({ lingerSeconds: 0 });
      await user.type(linger, '{Backspace}90000');
      expect(screen.getByText('must be between 0 and 86,400')).toBeInTheDocument();
      await user.tab();
      expect(last().jsonData).toMatchObject({ lingerSeconds: 86_400 });

      const streams = screen.getByLabelText('Maximum streams');
      await user.type(streams, '12.5');
      expect(screen.getByText('must be a whole number')).toBeInTheDocument();
      await user.tab();
      expect(last().jsonData).toMatchObject({ maxStreams: 13 });
      expect(screen.getByTestId('pulse-mqtt-memory')).toHaveTextContent(
        'At most 13 histories of 64 KiB each: up to 832 KiB of memory.'
      );

      await user.clear(bytes);
      await user.tab();
      expect(last().jsonData).not.toHaveProperty('historyMaxBytes');
    });

    it('writes sizes in binary units', () => {
      expect(formatBytes(512)).toBe('512 bytes');
      expect(formatBytes(4 * 1024 * 1024)).toBe('4 MiB');
      expect(formatBytes(1000 * 4 * 1024 * 1024)).toBe('3.9 GiB');
      expect(formatBytes(10_000 * 1024 ** 3)).toBe('9.8 TiB');
    });
  });
});
