package websocket

import (
	"net/http"

	"github.com/pulse-datasource/pulse/backend/streaming/source"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed"
	"github.com/pulse-datasource/pulse/backend/streaming/source/web"
)

// Name is the WebSocket source's name in jsonData.source.
const Name = "websocket"

// Schemes are the URL schemes of a WebSocket data source's url.
var Schemes = []string{"ws", "wss"}

// NewSource is the source.Factory of WebSocket data sources: it reads the
// connection settings (web.ParseSettings with ws and wss) and the shared
// feed settings (feed.ParseSettings), and serves queries and channels
// through a feed.Feed over a Client. Queries name a path under the data
// source's url in "path", and may set "subscribeMessage"; every message is
// a row of the series labelled path=<path>. jsonData.allowedSubscribeMessages,
// when it lists any, are the only subscribe messages queries may send.
func NewSource(s source.Settings) (source.Source, error) { return Factory(Options{})(s) }

// Factory is NewSource with the Client options o (backoff, keep-alive,
// read limit, queues); a nil o.Logger logs through the SDK's default
// logger.
func Factory(o Options) source.Factory {
	return func(s source.Settings) (source.Source, error) { return open(s, o) }
}

// open makes the Source of a data source.
func open(s source.Settings, o Options) (source.Source, error) {
	settings, err := web.ParseSettings(s.JSONData, s.Secure, Schemes...)
	if err != nil {
		return nil, err
	}
	allowed, err := readAllowedSubscribeMessages(s.JSONData)
	if err != nil {
		return nil, err
	}
	return feed.Open(s, Name, o.Logger, func(logger feed.Logger) (feed.Upstream, feed.Options, error) {
		o.Logger = logger
		c, err := New(settings, o)
		if err != nil {
			return nil, feed.Options{}, err
		}
		return c, feed.Options{
			Target:   "path",
			Label:    "path",
			Params:   []feed.Param{{Name: ParamSubscribeMessage, Check: subscribeMessageCheck(allowed)}},
			Check:    settings.CheckPath,
			Describe: c.describe,
		}, nil
	})
}

// New makes the Client of a data source's settings, which connects
// nothing until Subscribe. Close it when the data source goes away. The
// error, from the TLS settings, names the field and quotes no secret.
func New(s web.Settings, o Options) (*Client, error) {
	if _, err := s.Resolve(""); err != nil {
		return nil, err
	}
	tlsConfig, err := s.TLSConfig()
	if err != nil {
		return nil, err
	}
	o = o.withDefaults()
	header := http.Header{}
	for name, values := range s.Header() {
		for _, v := range values {
			header.Add(name, v)
		}
	}
	k := classifier{
		addr:     s.URL.Host,
		host:     s.URL.Hostname(),
		overTLS:  tlsConfig != nil,
		caCert:   s.TLS.AuthWithCACert,
		timeout:  o.HandshakeTimeout,
		secrets:  s.Secrets(),
		withAuth: header.Get("Authorization") != "" || len(s.Headers) > 0,
	}
	return &Client{
		base:     s.URL,
		check:    s.CheckPath,
		resolve:  s.Resolve,
		d:        &dialer{header: header, tls: tlsConfig, o: o, k: k},
		o:        o,
		sessions: map[*session]struct{}{},
	}, nil
}
