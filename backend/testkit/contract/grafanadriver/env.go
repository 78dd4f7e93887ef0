package grafanadriver

import "os"

// The environment variables FromEnv reads.
const (
	// EnvURL is Grafana's root URL. Setting it says a Grafana is there.
	EnvURL = "GRAFANA_URL"
	// EnvUser is the basic-auth user; unset means "admin".
	EnvUser = "GRAFANA_USER"
	// EnvPassword is the basic-auth password; unset means "admin".
	EnvPassword = "GRAFANA_PASSWORD"
	// EnvDataSourceUID is the data source's uid; unset means
	// DefaultDataSourceUID.
	EnvDataSourceUID = "GRAFANA_DATASOURCE_UID"
)

// FromEnv is the Options for the Grafana the environment names, with the
// credentials of the compose setup (admin/admin) unless GRAFANA_USER and
// GRAFANA_PASSWORD say otherwise; a variable set to the empty string counts
// as set, so GRAFANA_USER= GRAFANA_PASSWORD= means anonymous access.
//
// It reports whether GRAFANA_URL is set and not empty: a suite that needs a
// real Grafana should skip when it is not, since nothing says one is
// running. The Options are filled in either case, with DefaultURL when
// GRAFANA_URL is unset.
func FromEnv() (Options, bool) {
	opts := Options{
		URL:           DefaultURL,
		User:          envOr(EnvUser, "admin"),
		Password:      envOr(EnvPassword, "admin"),
		DataSourceUID: envOr(EnvDataSourceUID, DefaultDataSourceUID),
	}
	url, ok := os.LookupEnv(EnvURL)
	if !ok || url == "" {
		return opts, false
	}
	opts.URL = url
	return opts, true
}

// envOr is the variable's value when it is set, else fallback.
func envOr(name, fallback string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return fallback
}
