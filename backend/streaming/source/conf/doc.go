// Package conf holds the settings pieces that several sources read the
// same way: a Secret from secureJsonData that never prints, the TLS options
// under Grafana's names (tlsSkipVerify, tlsAuth, tlsAuthWithCACert and the
// PEM blocks tlsCACert, tlsClientCert, tlsClientKey), and string lists
// such as allowedTopics. Every error is a *streaming.FieldError naming the
// field and quoting no secret.
package conf
