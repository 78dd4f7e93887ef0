// Grafana sets this global before any plugin code runs; @grafana/runtime reads it on import, so
// this module must be imported first. Object.assign because its declared type is Grafana's full one.
Object.assign(window, {
  grafanaBootData: {
    assets: { dark: '', light: '' },
    settings: {},
    user: {},
    navTree: [],
  },
});

export {};
