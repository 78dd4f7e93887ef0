// Package contract holds Pulse's streaming contract as Ginkgo specs written
// once against a Driver, and run through every Driver: the built plugin
// binary under go-plugin (package plugindriver), and a real Grafana over its
// HTTP API and Grafana Live (package grafanadriver).
//
// Specs covers the generated signals. It assumes the driver reaches a
// Pulse data source with the settings provisioning/ gives the local
// Grafana: minStepMs 1 and maxSeries 16. Its health check says so, and the
// first spec checks it.
//
// FeedSpecs covers push feeds: a data source of the MQTT source with
// allowedTopics FeedAllowedTopics, whose broker the specs publish to
// through a Feed. They hold Pulse to what docs/mqtt.md promises: the
// health check names the broker; a streaming query names its channel,
// mqtt/v1/<flushMs>/<base64url query>; a stream carries every message
// published after a viewer joined, in order and once, one series per
// concrete topic, and sends its schema again when a topic appears; a late
// viewer and a query without streaming get the rows kept so far; paths
// Pulse never writes are NotFound, topics outside allowedTopics
// PermissionDenied; a stream stops after its last viewer.
package contract
