// Package web holds the settings that Pulse's HTTP and WebSocket sources
// share: the base URL an administrator set, the headers and credentials
// sent with every request, the TLS options, and which paths under the base
// a query may name.
//
// # Settings
//
// ParseSettings reads them from a data source's jsonData and decrypted
// secureJsonData under Grafana's names:
//
//   - url: the base URL, of a scheme the source accepts ("http" and
//     "https", or "ws" and "wss"), with a host and without a user or
//     password in it (set basicAuthUser instead);
//   - httpHeaderName1, httpHeaderName2, … with secureJsonData's
//     httpHeaderValue1, httpHeaderValue2, …: extra request headers, read
//     from 1 upwards until a name is missing or empty;
//   - basicAuthUser with secureJsonData.basicAuthPassword: HTTP basic
//     authentication;
//   - secureJsonData.bearerToken: sent as "Authorization: Bearer <token>";
//     basic authentication and a bearer token exclude each other, and
//     either excludes an Authorization header among the headers;
//   - tlsSkipVerify, tlsAuth, tlsAuthWithCACert and secureJsonData's
//     tlsCACert, tlsClientCert and tlsClientKey (conf.ReadTLS), read for
//     https and wss only;
//   - allowedTopics: the paths a query may name (see Settings.CheckPath);
//     empty allows any.
//
// Every error is a *streaming.FieldError naming the field, and none quotes
// a secret; neither does Settings' String.
//
// # Paths
//
// Settings.Resolve puts a query's path (and query string) under the base
// URL and refuses whatever could leave it: another scheme, host, port or
// user, and dot segments, encoded or not, that climb above the base's
// path. Settings.CheckPath adds allowedTopics.
package web
