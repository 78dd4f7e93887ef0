import { uriProblem, usesTLS } from './uri';

describe('broker addresses', () => {
  it('accepts every scheme the backend knows, with or without a port', () => {
    for (const uri of [
      'tcp://broker:1883',
      'mqtt://broker',
      'ssl://broker:8883',
      'tls://10.0.0.5',
      'mqtts://broker',
      'ws://broker:9001/mqtt',
      'wss://broker/mqtt',
      'TCP://Broker',
      'tcp://[::1]:1883',
      ' tcp://broker ',
    ]) {
      expect([uri, uriProblem(uri)]).toEqual([uri, undefined]);
    }
  });

  it('says what is wrong with the others', () => {
    expect(uriProblem('')).toMatch(/^the broker's address is required/);
    expect(uriProblem('broker:1883')).toMatch(/^must be tcp:\/\//);
    expect(uriProblem('http://broker')).toMatch(/^must be tcp:\/\//);
    expect(uriProblem('constructor://broker')).toMatch(/^must be tcp:\/\//);
    expect(uriProblem('tcp://user:secret@broker')).toBe(
      'must not hold a user name or password: set Username and Password instead'
    );
    expect(uriProblem('tcp://:1883')).toMatch(/^must name the broker's host/);
    expect(uriProblem('tcp://broker:')).toBe('has an empty port');
    expect(uriProblem('tcp://broker:70000')).toBe('has a port outside 1 to 65535');
  });

  it('tells TLS schemes from plain ones', () => {
    expect(usesTLS('mqtts://broker')).toBe(true);
    expect(usesTLS('wss://broker')).toBe(true);
    expect(usesTLS('tcp://broker')).toBe(false);
    expect(usesTLS('ws://broker')).toBe(false);
    expect(usesTLS('')).toBeUndefined();
    expect(usesTLS(undefined)).toBeUndefined();
    expect(usesTLS('http://x')).toBeUndefined();
  });
});
