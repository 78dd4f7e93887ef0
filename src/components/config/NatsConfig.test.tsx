import { screen } from '@testing-library/react';

import { renderConfigEditor } from '../../testing/editors';
import { PulseOptions, SecureField } from '../../types';

/** The config editor of a NATS data source, rendered again with each change as Grafana does. */
const setup = (jsonData: PulseOptions = {}, configured: SecureField[] = []) =>
  renderConfigEditor({ source: 'nats', ...jsonData }, configured);

describe('NATS config editor', () => {
  it('shows the saved servers, authentication and subjects', () => {
    setup(
      { url: 'tls://a:4222,tls://b:4222', authType: 'userPassword', username: 'grafana', allowedTopics: ['plant.>'] },
      ['password']
    );
    expect(screen.getByRole('radio', { name: 'NATS' })).toBeChecked();
    expect(screen.getByTestId('pulse-config-nats')).toBeInTheDocument();
    expect(screen.getByLabelText('Servers')).toHaveValue('tls://a:4222,tls://b:4222');
    expect(screen.getByRole('radio', { name: 'User and password' })).toBeChecked();
    expect(screen.getByLabelText('Username')).toHaveValue('grafana');
    expect(screen.getByLabelText('Password')).toHaveValue('configured');
    expect(
      screen.getByText(/^Read for tls:\/\/ servers, and for nats:\/\/ servers that ask for TLS\. A server’s/)
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Allowed subject 1')).toHaveValue('plant.>');
    expect(screen.getByLabelText('History rows per subject')).toHaveAttribute('placeholder', '10000');
  });

  it('commits the servers, and flags a list the backend would refuse', async () => {
    const { last, user } = setup();
    const url = screen.getByLabelText('Servers');
    await user.type(url, 'nats://a,tls://b');
    expect(screen.getByText('lists nats:// and tls:// servers: use one scheme for all of them')).toBeInTheDocument();
    await user.clear(url);
    await user.type(url, 'nats://a,,nats://b');
    expect(screen.getByText(/^server 2: holds an empty server address/)).toBeInTheDocument();
    await user.clear(url);
    await user.type(url, 'nats://tok@a');
    expect(
      screen.getByText('must not hold a user name, password or token: set them under Authentication instead')
    ).toBeInTheDocument();
    await user.clear(url);
    await user.type(url, 'nats://a:4222, nats://b:4222{Enter}');
    expect(url).toHaveAttribute('aria-invalid', 'false');
    expect(last().jsonData).toEqual({ source: 'nats', url: 'nats://a:4222, nats://b:4222' });
  });

  it('asks for the secret of the chosen authentication, and keeps each in secureJsonData', async () => {
    const { last, user } = setup();
    expect(screen.getByRole('radio', { name: 'None' })).toBeChecked();

    await user.click(screen.getByRole('radio', { name: 'Token' }));
    expect(last().jsonData).toEqual({ source: 'nats', authType: 'token' });
    expect(screen.getByText('required while the authentication is “Token”')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Auth token'), 's3cret');
    expect(last().secureJsonData).toEqual({ token: 's3cret' });
    expect(screen.queryByText(/^required while/)).not.toBeInTheDocument();

    await user.click(screen.getByRole('radio', { name: 'User and password' }));
    expect(last().jsonData).toEqual({ source: 'nats', authType: 'userPassword' });
    // Both the user name and the password are asked for.
    expect(screen.getAllByText('required while the authentication is “User and password”')).toHaveLength(2);
    await user.type(screen.getByLabelText('Username'), 'grafana{Enter}');
    await user.type(screen.getByLabelText('Password'), 'pw');
    expect(last().jsonData).toEqual({ source: 'nats', authType: 'userPassword', username: 'grafana' });
    expect(last().secureJsonData).toEqual({ token: 's3cret', password: 'pw' });

    await user.click(screen.getByRole('radio', { name: 'NKey' }));
    await user.type(screen.getByLabelText('NKey seed'), 'UAAA');
    expect(screen.getByText('must be an NKey user seed: one line starting with SU')).toBeInTheDocument();
    await user.clear(screen.getByLabelText('NKey seed'));
    await user.type(screen.getByLabelText('NKey seed'), 'SUAAA');
    expect(last().secureJsonData).toMatchObject({ nkeySeed: 'SUAAA' });
    expect(screen.queryByText(/^must be an NKey user seed/)).not.toBeInTheDocument();

    await user.click(screen.getByRole('radio', { name: 'Credentials file' }));
    expect(last().jsonData).toMatchObject({ authType: 'credentials' });
    await user.click(screen.getByLabelText('Credentials'));
    await user.paste('-----BEGIN NATS USER JWT-----\neyJ\n------END NATS USER JWT------');
    expect(screen.getByText(/^must be the content of a .creds file/)).toBeInTheDocument();
    await user.paste('\n-----BEGIN USER NKEY SEED-----\nSUAAA\n------END USER NKEY SEED------');
    expect(last().secureJsonData).toMatchObject({
      credentials:
        '-----BEGIN NATS USER JWT-----\neyJ\n------END NATS USER JWT------\n-----BEGIN USER NKEY SEED-----\nSUAAA\n------END USER NKEY SEED------',
    });
    expect(screen.queryByText(/^must be the content of a .creds file/)).not.toBeInTheDocument();

    await user.click(screen.getByRole('radio', { name: 'None' }));
    expect(last().jsonData).toEqual({ source: 'nats', username: 'grafana' });
  });

  it('shows a stored credentials file as configured, and resets it', async () => {
    const { last, user } = setup({ authType: 'credentials' }, ['credentials']);
    expect(screen.getByLabelText('Credentials')).toHaveValue('configured');
    await user.click(screen.getByRole('button', { name: 'Reset' }));
    expect(last().secureJsonFields).toEqual({ credentials: false });
    expect(last().secureJsonData).toEqual({ credentials: '' });
    expect(screen.getByText('required while the authentication is “Credentials file”')).toBeInTheDocument();
  });

  it('names an authentication type it does not know', () => {
    setup({ authType: 'kerberos' as never });
    expect(screen.getByText('unknown authentication "kerberos": pick one')).toBeInTheDocument();
  });

  it('takes subject patterns as allowed subjects', async () => {
    const { last, user } = setup();
    expect(screen.getByText('No allowed subjects: queries may read any subject.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Add allowed subject' }));
    await user.keyboard('plant.>.temp');
    expect(screen.getByText(`'>' must be the last token, got "plant.>.temp"`)).toBeInTheDocument();
    await user.clear(screen.getByLabelText('Allowed subject 1'));
    await user.type(screen.getByLabelText('Allowed subject 1'), 'plant.>{Enter}');
    expect(last().jsonData).toEqual({ source: 'nats', allowedTopics: ['plant.>'] });
  });
});
