// The broker address rules of the backend (source/mqtt/settings.go, parseBroker), for the config
// editor to flag a uri before Save & test; the backend has the last word.

/** The schemes `uri` may have, and whether each speaks TLS. */
export const URI_SCHEMES: Readonly<Record<string, { tls: boolean }>> = {
  tcp: { tls: false },
  mqtt: { tls: false },
  ws: { tls: false },
  ssl: { tls: true },
  tls: { tls: true },
  mqtts: { tls: true },
  wss: { tls: true },
};

const WANT = 'tcp://, mqtt://, ssl://, tls://, mqtts://, ws:// or wss:// and a host, such as tcp://broker:1883';

/** What keeps uri from being a broker address the backend accepts, or undefined. */
export function uriProblem(uri: string): string | undefined {
  const text = uri.trim();
  if (text === '') {
    return `the broker's address is required: ${WANT}`;
  }
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/.exec(text);
  if (!match) {
    return `must be ${WANT}`;
  }
  const [, scheme, authority] = match;
  if (authority.includes('@')) {
    return 'must not hold a user name or password: set Username and Password instead';
  }
  if (!known(scheme)) {
    return `must be ${WANT}`;
  }
  const hostPort = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(authority);
  const host = hostPort?.[1] ?? '';
  const port = hostPort?.[2];
  if (host === '' || host === '[]') {
    return `must name the broker's host: ${WANT}`;
  }
  if (port !== undefined && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    return port === '' ? 'has an empty port' : 'has a port outside 1 to 65535';
  }
  return undefined;
}

/** Whether uri names a TLS scheme, for which the TLS settings are read; undefined when unknown. */
export function usesTLS(uri: string | undefined): boolean | undefined {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(uri?.trim() ?? '')?.[1]?.toLowerCase();
  return scheme !== undefined && known(scheme) ? URI_SCHEMES[scheme].tls : undefined;
}

function known(scheme: string): boolean {
  return Object.prototype.hasOwnProperty.call(URI_SCHEMES, scheme.toLowerCase());
}
