import { natsUrlProblem, natsUsesTLS, subjectAllowedBy, subjectCovers, subjectProblem } from './subject';

describe('NATS subjects', () => {
  it('accept subjects with whole-token wildcards', () => {
    for (const subject of ['plant', 'plant.line1.temp', 'plant.*.temp', 'plant.>', '>', '*', '$JS.API.x']) {
      expect([subject, subjectProblem(subject)]).toEqual([subject, undefined]);
    }
  });

  it('refuse empty tokens, misplaced wildcards, white space and long subjects', () => {
    expect(subjectProblem('plant..temp')).toBe(
      'must not have an empty token (a leading, trailing or doubled dot), got "plant..temp"'
    );
    expect(subjectProblem('.plant')).toMatch(/^must not have an empty token/);
    expect(subjectProblem('plant.')).toMatch(/^must not have an empty token/);
    expect(subjectProblem('plant.>.temp')).toBe(`'>' must be the last token, got "plant.>.temp"`);
    expect(subjectProblem('plant.te*')).toBe(`'*' and '>' must be whole tokens, got "plant.te*"`);
    expect(subjectProblem('plant temp')).toBe('must not contain white space or control characters, got "plant temp"');
    expect(subjectProblem('a\u0000')).toMatch(/^must not contain white space or control characters/);
    expect(subjectProblem('s'.repeat(1025))).toBe('must be at most 1,024 bytes, got 1,025');
  });

  it('skip the tokens that hold a template variable', () => {
    expect(subjectProblem('plant.$line.temp', { allowVariables: true })).toBeUndefined();
    expect(subjectProblem('plant.$line.>.x', { allowVariables: true })).toMatch(/^'>' must be the last token/);
  });

  it('cover subjects as NATS matches them', () => {
    expect(subjectCovers('plant.>', 'plant.line1.temp')).toBe(true);
    expect(subjectCovers('plant.>', 'plant.*')).toBe(true);
    expect(subjectCovers('plant.>', 'plant.>')).toBe(true);
    expect(subjectCovers('plant.>', 'plant')).toBe(false);
    expect(subjectCovers('plant.*', 'plant.line1')).toBe(true);
    expect(subjectCovers('plant.*', 'plant.>')).toBe(false);
    expect(subjectCovers('plant.*', 'plant.a.b')).toBe(false);
    expect(subjectCovers('plant.a', 'plant.*')).toBe(false);
    expect(subjectCovers('plant.a', 'plant.a')).toBe(true);
    expect(subjectCovers('>', 'anything.at.all')).toBe(true);
    expect(subjectAllowedBy(undefined, 'x')).toBe(true);
    expect(subjectAllowedBy(['a.>', 'b.*'], 'b.1')).toBe(true);
    expect(subjectAllowedBy(['a.>', 'b.*'], 'c')).toBe(false);
  });
});

describe('NATS server lists', () => {
  it('accept one or more nats:// or tls:// servers', () => {
    expect(natsUrlProblem('nats://nats:4222')).toBeUndefined();
    expect(natsUrlProblem('nats://a:4222, nats://b')).toBeUndefined();
    expect(natsUrlProblem('tls://a,tls://b:4443/')).toBeUndefined();
  });

  it('refuse what the backend refuses, naming the server', () => {
    expect(natsUrlProblem('http://a')).toMatch(/^must be nats:\/\/host\[:port\] or tls:\/\/host\[:port\]/);
    expect(natsUrlProblem('nats://a,,nats://b')).toMatch(/^server 2: holds an empty server address/);
    expect(natsUrlProblem('nats://a,ws://b')).toMatch(/^server 2: must be nats:\/\//);
    expect(natsUrlProblem('nats://u:p@a')).toBe(
      'must not hold a user name, password or token: set them under Authentication instead'
    );
    expect(natsUrlProblem('nats://a:70000')).toBe('has a port outside 1 to 65535');
    expect(natsUrlProblem('nats://a/path')).toMatch(/^is a server address without a path or query/);
    expect(natsUrlProblem('nats://a,tls://b')).toBe('lists nats:// and tls:// servers: use one scheme for all of them');
    expect(natsUrlProblem(Array.from({ length: 65 }, (_, i) => `nats://h${i}`).join(','))).toBe(
      'lists at most 64 servers, got 65'
    );
  });

  it('say whether the servers speak TLS from the start', () => {
    expect(natsUsesTLS('tls://a')).toBe(true);
    expect(natsUsesTLS('nats://a')).toBe(false);
    expect(natsUsesTLS(undefined)).toBe(false);
  });
});
