// Package contract holds Pulse's streaming contract as Ginkgo specs written
// once against a Driver, and run through every Driver: the built plugin
// binary under go-plugin (package plugindriver), and a real Grafana over its
// HTTP API and Grafana Live (package grafanadriver).
//
// The specs assume the driver reaches a Pulse data source with the settings
// provisioning/ gives the local Grafana: minStepMs 1 and maxSeries 16. Its
// health check says so, and the first spec checks it.
package contract
