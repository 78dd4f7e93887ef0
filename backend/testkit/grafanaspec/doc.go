// Package grafanaspec runs Pulse's streaming contract (package contract)
// against a real Grafana with the plugin installed and the Pulse data source
// provisioned, as `docker compose up` starts one: health checks and queries
// through Grafana's HTTP API, streams through Grafana Live's WebSocket.
//
// Its specs carry the label "grafana". They run when GRAFANA_URL names the
// Grafana (GRAFANA_USER, GRAFANA_PASSWORD and GRAFANA_DATASOURCE_UID
// default to admin, admin and pulse) and are reported as skipped, with the
// reason, when it is not set:
//
//	docker compose up -d --build --wait
//	GRAFANA_URL=http://localhost:3000 go tool mage -v grafana
//
// The stop spec needs a Grafana that no one else is watching Pulse on: it
// waits until the plugin runs no stream at all.
package grafanaspec
