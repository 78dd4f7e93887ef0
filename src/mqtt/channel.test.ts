import { mqttChannelLength, mqttChannelPath } from './channel';

describe('MQTT channel paths', () => {
  it('encode topic NUL timeField [NUL field]… in base64url without padding, as docs/mqtt.md says', () => {
    expect(mqttChannelPath({ topic: 'plant/+/temp', timeField: 'ts' })).toBe('mqtt/v1/100/cGxhbnQvKy90ZW1wAHRz');
    expect(mqttChannelPath({ topic: 'a', fields: ['b', 'c'], flushMs: 250 })).toBe(
      `mqtt/v1/250/${Buffer.from('a\u0000\u0000b\u0000c').toString('base64url')}`
    );
  });

  it('use base64url’s alphabet and UTF-8 for any topic', () => {
    const topic = 'ünï/cödé ?>/~~~';
    const path = mqttChannelPath({ topic });
    expect(path).toBe(`mqtt/v1/100/${Buffer.from(`${topic}\u0000`, 'utf8').toString('base64url')}`);
    expect(path).toMatch(/^mqtt\/v1\/100\/[A-Za-z0-9_-]+$/);
  });

  it('count the whole channel, ds/<uid>/<path>', () => {
    expect(mqttChannelLength('plant-sensors', { topic: 'plant/+/temp', timeField: 'ts' })).toBe(
      'ds/plant-sensors/mqtt/v1/100/cGxhbnQvKy90ZW1wAHRz'.length
    );
  });

  it('fit 77 bytes of topic with a 40-character uid and 99 bytes of paths with a 12-character one (docs/mqtt.md)', () => {
    const uid40 = 'u'.repeat(40);
    expect(mqttChannelLength(uid40, { topic: 't'.repeat(77) })).toBeLessThanOrEqual(160);
    expect(mqttChannelLength(uid40, { topic: 't'.repeat(78) })).toBeGreaterThan(160);
    expect(mqttChannelLength(uid40, { topic: 't'.repeat(40), timeField: 'x'.repeat(37) })).toBeLessThanOrEqual(160);
    const uid12 = 'u'.repeat(12);
    expect(mqttChannelLength(uid12, { topic: 't'.repeat(50), timeField: 'x'.repeat(48) })).toBeLessThanOrEqual(160);
    expect(mqttChannelLength(uid12, { topic: 't'.repeat(50), timeField: 'x'.repeat(49) })).toBeGreaterThan(160);
  });
});
