package grafanadriver

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pulse-datasource/pulse/backend/testkit/contract"
)

var _ contract.Driver = (*Driver)(nil)

// Driver is a contract.Driver for one data source of a real Grafana. It is
// safe for concurrent use.
type Driver struct {
	// base is Grafana's root URL without a trailing slash; every API path
	// is appended to it.
	base string
	// live is the WebSocket URL of Grafana Live.
	live string
	// auth is the Authorization header value, or empty for none.
	auth        string
	uid         string
	pluginID    string
	http        *http.Client
	dialTimeout time.Duration
	// readTimeout is how long centrifuge-go waits for a reply to a
	// command; zero means its default, 5 s. Only specs change it (see
	// export_test.go), to tell a wait the context ends from one this
	// timeout ends.
	readTimeout time.Duration
	maxQueued   int
	// org caches the current org, which Live channels are prefixed with.
	org orgCache
}

// New is a Driver for the Grafana and data source opts name. It checks the
// URL but does not contact Grafana: every method does, under its context.
func New(opts Options) (*Driver, error) {
	opts = opts.withDefaults()
	base, err := parseBase(opts.URL)
	if err != nil {
		return nil, err
	}
	live := *base
	live.Scheme = map[string]string{"http": "ws", "https": "wss"}[base.Scheme]
	live.Path += "/api/live/ws"
	d := &Driver{
		base:        base.String(),
		live:        live.String(),
		uid:         opts.DataSourceUID,
		pluginID:    opts.PluginID,
		http:        opts.HTTPClient,
		dialTimeout: opts.DialTimeout,
		maxQueued:   opts.MaxQueued,
		org:         newOrgCache(),
	}
	if opts.User != "" || opts.Password != "" {
		d.auth = "Basic " + base64.StdEncoding.EncodeToString([]byte(opts.User+":"+opts.Password))
	}
	return d, nil
}

// DataSourceUID is the uid of the data source the driver reaches.
func (d *Driver) DataSourceUID() string { return d.uid }

// parseBase checks Grafana's root URL. It refuses credentials in the URL
// because errors quote URLs, and a query or fragment because API paths are
// appended to the URL's path.
func parseBase(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("grafanadriver: Options.URL is empty; want Grafana's root URL, e.g. " + DefaultURL)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("grafanadriver: Options.URL %q is not a URL: %w", raw, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("grafanadriver: Options.URL %q: want an http or https URL, e.g. %s", raw, DefaultURL)
	case u.Host == "":
		return nil, fmt.Errorf("grafanadriver: Options.URL %q has no host", raw)
	case u.User != nil:
		return nil, fmt.Errorf("grafanadriver: Options.URL %s carries credentials; put them in Options.User and Options.Password", u.Redacted())
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("grafanadriver: Options.URL %q has a query or fragment; want Grafana's root URL only", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}
