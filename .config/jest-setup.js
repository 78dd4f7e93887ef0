// Runs before every test file: DOM matchers, and the browser APIs jsdom lacks but @grafana/ui uses.
require('@testing-library/jest-dom');
// A busy CI machine renders @grafana/ui slowly: findBy*/waitFor wait up to 5 s, not 1 s.
require('@testing-library/react').configure({ asyncUtilTimeout: 5000 });
const { TextDecoder, TextEncoder } = require('util');

// react-dom/server, which @grafana/ui loads, needs these at import time.
Object.assign(global, { TextDecoder, TextEncoder });

Object.defineProperty(window, 'matchMedia', {
  writable: true,
  value: (query) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => {},
    removeListener: () => {},
    addEventListener: () => {},
    removeEventListener: () => {},
    dispatchEvent: () => false,
  }),
});

class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
window.ResizeObserver = window.ResizeObserver || ResizeObserverStub;
