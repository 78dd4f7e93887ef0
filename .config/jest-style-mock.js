// Stands in for the stylesheets some @grafana/ui dependencies import; jsdom does not render CSS.
module.exports = {};
