// @grafana/ui icons fetch their SVG after render; under jsdom that only yields act() warnings.
const React = require('react');

function InlineSVG({ src, title, className }) {
  return React.createElement('svg', { 'data-src': src, className, 'aria-label': title });
}

module.exports = { __esModule: true, default: InlineSVG, cacheStore: {} };
