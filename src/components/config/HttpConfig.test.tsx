import { screen, within } from '@testing-library/react';

import { renderConfigEditor } from '../../testing/editors';
import { PulseOptions, SecureField } from '../../types';

/** The config editor of an HTTP or WebSocket data source, rendered again with each change as Grafana does. */
const setup = (source: 'http' | 'websocket', jsonData: PulseOptions = {}, configured: SecureField[] = []) =>
  renderConfigEditor({ source, ...jsonData }, configured);

describe('HTTP stream config editor', () => {
  it('shows the saved settings, secrets as configured, and the defaults as placeholders', () => {
    setup(
      'http',
      {
        url: 'http://feed:8080/api',
        basicAuthUser: 'grafana',
        httpHeaderName1: 'X-Api-Key',
        allowedTopics: ['/events/*'],
      },
      ['basicAuthPassword', 'httpHeaderValue1']
    );
    expect(screen.getByRole('radio', { name: 'HTTP stream' })).toBeChecked();
    expect(screen.getByTestId('pulse-config-http')).toBeInTheDocument();
    expect(screen.getByLabelText('URL')).toHaveValue('http://feed:8080/api');
    expect(screen.getByRole('radio', { name: 'Basic' })).toBeChecked();
    expect(screen.getByLabelText('User')).toHaveValue('grafana');
    expect(screen.getByLabelText('Password')).toHaveValue('configured');
    expect(screen.getByLabelText('Header 1 name')).toHaveValue('X-Api-Key');
    expect(screen.getByLabelText('Header 1 value')).toHaveValue('configured');
    expect(screen.getByText(/this URL is not one, so these settings are ignored/)).toBeInTheDocument();
    expect(screen.getByLabelText('Allowed path 1')).toHaveValue('/events/*');
    expect(screen.getByLabelText('History rows per path')).toHaveAttribute('placeholder', '10000');
    expect(screen.getByTestId('pulse-http-memory')).toHaveTextContent(
      'At most 1,000 histories of 4 MiB each: up to 3.9 GiB of memory.'
    );
  });

  it('commits the URL, and flags one the backend would refuse', async () => {
    const { last, user } = setup('http');
    const url = screen.getByLabelText('URL');
    await user.type(url, 'wss://feed');
    expect(
      screen.getByText('must be http:// or https:// and a host, such as https://api.example.com/stream')
    ).toBeInTheDocument();
    await user.clear(url);
    await user.type(url, 'https://u:p@feed');
    expect(
      screen.getByText(
        'must not hold a user name or password: set the user and password under Authentication (Basic) instead'
      )
    ).toBeInTheDocument();
    await user.clear(url);
    await user.type(url, 'https://feed.example.com/stream{Enter}');
    expect(url).toHaveAttribute('aria-invalid', 'false');
    expect(last().jsonData).toEqual({ source: 'http', url: 'https://feed.example.com/stream' });
    expect(screen.getByText(/^Read for https:\/\/ URLs only\. The server’s certificate/)).toBeInTheDocument();
  });

  it('takes an idle timeout in seconds, 0 for none, and keeps it within what the backend takes', async () => {
    const { last, user } = setup('http');
    const idle = screen.getByLabelText('Idle timeout (s)');
    expect(idle).toHaveAttribute('placeholder', '300');
    await user.type(idle, '90000');
    expect(idle).toHaveAttribute('aria-invalid', 'true');
    await user.keyboard('{Enter}');
    expect(last().jsonData).toEqual({ source: 'http', idleTimeoutSeconds: 86400 });
    await user.clear(idle);
    await user.type(idle, '0{Enter}');
    expect(last().jsonData).toEqual({ source: 'http', idleTimeoutSeconds: 0 });
    await user.clear(idle);
    await user.type(idle, '{Enter}');
    expect(last().jsonData).toEqual({ source: 'http' });
  });

  describe('authentication', () => {
    it('sets basic authentication: the user in jsonData, the password in secureJsonData', async () => {
      const { last, user } = setup('http');
      expect(screen.getByRole('radio', { name: 'None' })).toBeChecked();
      await user.click(screen.getByRole('radio', { name: 'Basic' }));
      expect(screen.getByText('required for basic authentication')).toBeInTheDocument();
      await user.type(screen.getByLabelText('User'), 'grafana');
      await user.tab();
      expect(last().jsonData).toEqual({ source: 'http', basicAuthUser: 'grafana' });
      await user.type(screen.getByLabelText('Password'), 's3cret');
      expect(screen.getByLabelText('Password')).toHaveAttribute('type', 'password');
      expect(last().secureJsonData).toEqual({ basicAuthPassword: 's3cret' });
      await user.clear(screen.getByLabelText('User'));
      await user.type(screen.getByLabelText('User'), 'a:b');
      expect(screen.getByText('must not contain a colon, a line break or NUL')).toBeInTheDocument();
    });

    it('switching to a bearer token clears basic authentication, and back', async () => {
      const { last, user } = setup('http', { basicAuthUser: 'grafana' }, ['basicAuthPassword']);
      await user.click(screen.getByRole('radio', { name: 'Bearer token' }));
      expect(last().jsonData).toEqual({ source: 'http' });
      expect(last().secureJsonFields).toEqual({ basicAuthPassword: false });
      expect(last().secureJsonData).toEqual({ basicAuthPassword: '' });
      expect(screen.getByText('required while the authentication is a bearer token')).toBeInTheDocument();
      await user.type(screen.getByLabelText('Token'), 'abc def');
      expect(screen.getByText('must be one token, without spaces, line breaks or NUL')).toBeInTheDocument();
      await user.clear(screen.getByLabelText('Token'));
      await user.type(screen.getByLabelText('Token'), 'abc');
      expect(last().secureJsonData).toEqual({ basicAuthPassword: '', bearerToken: 'abc' });
      await user.click(screen.getByRole('radio', { name: 'None' }));
      expect(last().secureJsonData).toEqual({ basicAuthPassword: '', bearerToken: '' });
      expect(screen.queryByLabelText('Token')).not.toBeInTheDocument();
    });

    it('says when basic authentication and a bearer token are both set', () => {
      setup('http', { basicAuthUser: 'grafana' }, ['bearerToken']);
      expect(screen.getByTestId('pulse-http-auth-conflict')).toHaveTextContent(
        'The backend refuses a data source with both: pick one below, and the other is cleared.'
      );
    });
  });

  describe('headers', () => {
    it('adds a header: its name in jsonData, its value in secureJsonData', async () => {
      const { last, user } = setup('http');
      await user.click(screen.getByRole('button', { name: 'Add header' }));
      expect(last().jsonData).toEqual({ source: 'http', httpHeaderName1: '' });
      expect(screen.getByText(/^required: the header's name/)).toBeInTheDocument();
      await user.type(screen.getByLabelText('Header 1 name'), 'X-Api-Key');
      await user.tab();
      expect(last().jsonData).toEqual({ source: 'http', httpHeaderName1: 'X-Api-Key' });
      await user.type(screen.getByLabelText('Header 1 value'), 'k3y');
      expect(last().secureJsonData).toEqual({ httpHeaderValue1: 'k3y' });
      expect(screen.getByLabelText('Header 1 value')).toHaveAttribute('type', 'password');
    });

    it('flags names the backend refuses', async () => {
      const { user } = setup('http', { httpHeaderName1: 'X-A' }, ['bearerToken']);
      const name = screen.getByLabelText('Header 1 name');
      await user.clear(name);
      await user.type(name, 'X A');
      expect(screen.getByText(/^must be a header name/)).toBeInTheDocument();
      await user.clear(name);
      await user.type(name, 'Host');
      expect(screen.getByText('names Host, which the client sets itself')).toBeInTheDocument();
      await user.clear(name);
      await user.type(name, 'authorization');
      expect(
        screen.getByText('sets Authorization, which the authentication above sets already: use one or the other')
      ).toBeInTheDocument();
    });

    it('removes a header: the ones after it move up, and a stored value that cannot move is asked for again', async () => {
      const { last, user } = setup('http', { httpHeaderName1: 'X-A', httpHeaderName2: 'X-B', httpHeaderName3: 'X-C' }, [
        'httpHeaderValue1',
        'httpHeaderValue2',
        'httpHeaderValue3',
      ]);
      await user.click(within(screen.getByTestId('pulse-config-http')).getAllByRole('button', { name: 'Reset' })[2]);
      await user.type(screen.getByLabelText('Header 3 value'), 'typed-c');
      await user.click(screen.getByRole('button', { name: 'Remove header 1' }));
      expect(last().jsonData).toEqual({ source: 'http', httpHeaderName1: 'X-B', httpHeaderName2: 'X-C' });
      // X-B's stored value stays unknown to the browser: it is cleared, never sent under another name.
      expect(last().secureJsonFields).toEqual({
        httpHeaderValue1: false,
        httpHeaderValue2: false,
        httpHeaderValue3: false,
      });
      expect(last().secureJsonData).toEqual({
        httpHeaderValue1: '',
        httpHeaderValue2: 'typed-c',
        httpHeaderValue3: '',
      });
      expect(screen.getByLabelText('Header 1 name')).toHaveValue('X-B');
      expect(screen.getByText(/^enter the value again/)).toBeInTheDocument();
      expect(screen.getByLabelText('Header 2 value')).toHaveValue('typed-c');
      expect(screen.queryByLabelText('Header 3 name')).not.toBeInTheDocument();
      await user.type(screen.getByLabelText('Header 1 value'), 'b');
      expect(screen.queryByText(/^enter the value again/)).not.toBeInTheDocument();
    });
  });

  it('takes allowed paths with a * only at the end', async () => {
    const { last, user } = setup('http');
    expect(screen.getByText('No allowed paths: queries may read any path.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Add allowed path' }));
    await user.keyboard('/a*/b');
    expect(screen.getByText('may have a * only at its end (a prefix), got "/a*/b"')).toBeInTheDocument();
    await user.clear(screen.getByLabelText('Allowed path 1'));
    await user.type(screen.getByLabelText('Allowed path 1'), '/events/*{Enter}');
    expect(last().jsonData).toEqual({ source: 'http', allowedTopics: ['/events/*'] });
  });

  it('reads the TLS settings under Grafana’s names', async () => {
    const { last, user } = setup('http', { url: 'https://feed' });
    await user.click(screen.getByLabelText('With CA certificate'));
    expect(last().jsonData).toEqual({ source: 'http', url: 'https://feed', tlsAuthWithCACert: true });
    expect(screen.getByText('required while “CA certificate” is read')).toBeInTheDocument();
    await user.click(screen.getByLabelText('CA certificate'));
    await user.paste('-----BEGIN CERTIFICATE-----');
    expect(last().secureJsonData).toEqual({ tlsCACert: '-----BEGIN CERTIFICATE-----' });
  });
});

describe('WebSocket config editor', () => {
  it('wants a ws:// or wss:// URL, and reads TLS for wss:// only', async () => {
    const { last, user } = setup('websocket', { url: 'ws://feed/ws' });
    expect(screen.getByRole('radio', { name: 'WebSocket' })).toBeChecked();
    expect(screen.getByTestId('pulse-config-websocket')).toBeInTheDocument();
    expect(
      screen.getByText('Read for wss:// URLs only: this URL is not one, so these settings are ignored.')
    ).toBeInTheDocument();
    const url = screen.getByLabelText('URL');
    await user.clear(url);
    await user.type(url, 'https://feed');
    expect(
      screen.getByText('must be ws:// or wss:// and a host, such as wss://feed.example.com/ws')
    ).toBeInTheDocument();
    await user.clear(url);
    await user.type(url, 'wss://feed/ws{Enter}');
    expect(last().jsonData).toEqual({ source: 'websocket', url: 'wss://feed/ws' });
  });

  it('has the same authentication, headers and limits', async () => {
    const { last, user } = setup('websocket');
    await user.click(screen.getByRole('radio', { name: 'Bearer token' }));
    await user.type(screen.getByLabelText('Token'), 't0k');
    expect(last().secureJsonData).toEqual({ bearerToken: 't0k' });
    await user.click(screen.getByRole('button', { name: 'Add header' }));
    expect(last().jsonData).toMatchObject({ httpHeaderName1: '' });
    await user.type(screen.getByLabelText('Maximum streams'), '20{Enter}');
    expect(last().jsonData).toMatchObject({ maxStreams: 20 });
    expect(screen.getByTestId('pulse-websocket-memory')).toHaveTextContent('At most 20 histories of 4 MiB each');
  });

  it('lists the subscribe messages queries may send, for WebSocket only', async () => {
    const { last, user } = setup('websocket');
    await user.click(screen.getByRole('button', { name: 'Add allowed message' }));
    await user.keyboard('{{"sub":"ticker"}{Enter}');
    expect(last().jsonData).toEqual({ source: 'websocket', allowedSubscribeMessages: ['{"sub":"ticker"}'] });
    expect(screen.queryByLabelText('Idle timeout (s)')).not.toBeInTheDocument();
    setup('http');
    expect(screen.queryAllByRole('button', { name: 'Add allowed message' })).toHaveLength(1);
  });
});
