// Package grafanadriver is the contract.Driver that reaches a real Grafana:
// it asks Grafana's HTTP API for health checks, queries and the plugin's
// metrics, and joins channels over Grafana Live's WebSocket with the
// Centrifuge client a browser would use. It lets the contract specs run
// against Pulse as it is deployed, through every layer Grafana puts between
// a dashboard and the plugin, rather than against the bare plugin binary.
//
// Every Subscription opens its own WebSocket connection, as a separate
// browser viewer would, so that specs about viewers joining and leaving see
// what Grafana sees.
//
// FromEnv builds Options from the GRAFANA_* variables that the compose
// setup in CI exports; specs that need a real Grafana skip when it reports
// GRAFANA_URL unset.
package grafanadriver
