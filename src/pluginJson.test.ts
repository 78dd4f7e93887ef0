import { existsSync } from 'fs';
import path from 'path';

import pluginJson from './plugin.json';

describe('plugin.json', () => {
  it('lists the editors’ screenshots, which the browser check writes into src/img', () => {
    const shots = pluginJson.info.screenshots as Array<{ name: string; path: string }>;
    expect(shots.map((s) => s.path)).toEqual([
      'img/screenshot-config-mqtt.png',
      'img/screenshot-query-mqtt.png',
      'img/screenshot-config-http.png',
      'img/screenshot-query-http.png',
      'img/screenshot-config-websocket.png',
      'img/screenshot-query-websocket.png',
      'img/screenshot-config-nats.png',
      'img/screenshot-query-nats.png',
      'img/screenshot-config-signals.png',
      'img/screenshot-query-signals.png',
    ]);
    for (const shot of shots) {
      expect([shot.path, existsSync(path.join(__dirname, shot.path))]).toEqual([shot.path, true]);
      expect(shot.name).not.toBe('');
    }
  });
});
