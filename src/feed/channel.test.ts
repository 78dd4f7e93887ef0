import { feedChannelLength, feedChannelPath } from './channel';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('feed channel paths', () => {
  it('encode target [NUL param]… NUL timeField [NUL field]… under the source’s name', () => {
    expect(
      feedChannelPath('http', { target: '/events', params: ['sse', 'tick'], timeField: 'ts', fields: ['a', 'b'] })
    ).toBe(`http/v1/100/${b64('/events\u0000sse\u0000tick\u0000ts\u0000a\u0000b')}`);
    expect(feedChannelPath('websocket', { target: '/ws', params: ['{"op":"sub"}'], flushMs: 250 })).toBe(
      `websocket/v1/250/${b64('/ws\u0000{"op":"sub"}\u0000')}`
    );
    expect(feedChannelPath('nats', { target: 'plant.*.temp', timeField: 'ts' })).toBe(
      `nats/v1/100/${b64('plant.*.temp\u0000ts')}`
    );
  });

  it('write every param, empty when unset, so the backend can decode the path', () => {
    expect(feedChannelPath('http', { target: 'e', params: ['', ''] })).toBe(
      `http/v1/100/${b64('e\u0000\u0000\u0000')}`
    );
  });

  it('match the examples of docs/http.md, docs/websocket.md and docs/nats.md', () => {
    expect(
      feedChannelPath('http', {
        target: '/sse/home/kitchen',
        params: ['', 'climate'],
        timeField: 'ts',
        fields: ['temp'],
      })
    ).toBe('http/v1/100/L3NzZS9ob21lL2tpdGNoZW4AAGNsaW1hdGUAdHMAdGVtcA');
    expect(
      feedChannelPath('websocket', { target: 'home/kitchen', params: [''], timeField: 'ts', fields: ['temp'] })
    ).toBe('websocket/v1/100/aG9tZS9raXRjaGVuAAB0cwB0ZW1w');
    expect(feedChannelPath('nats', { target: 'home.*.climate', timeField: 'ts', fields: ['temp'] })).toBe(
      'nats/v1/100/aG9tZS4qLmNsaW1hdGUAdHMAdGVtcA'
    );
  });

  it('are the MQTT path for MQTT, which has no params', () => {
    expect(feedChannelPath('mqtt', { target: 'plant/+/temp', timeField: 'ts' })).toBe(
      'mqtt/v1/100/cGxhbnQvKy90ZW1wAHRz'
    );
  });

  it('count the whole channel, ds/<uid>/<path>', () => {
    const q = { target: 'a.b', params: [] };
    expect(feedChannelLength('uid', 'nats', q)).toBe(`ds/uid/${feedChannelPath('nats', q)}`.length);
    // ds/u…u/http/v1/100/ is 56 characters with a 40-character uid: the 104 left hold 78 bytes, a target and 3 NULs.
    const uid40 = 'u'.repeat(40);
    expect(feedChannelLength(uid40, 'http', { target: 'p'.repeat(75), params: ['', ''] })).toBe(160);
    expect(feedChannelLength(uid40, 'http', { target: 'p'.repeat(76), params: ['', ''] })).toBeGreaterThan(160);
  });
});
