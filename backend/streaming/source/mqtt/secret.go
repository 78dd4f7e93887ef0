package mqtt

import "github.com/pulse-datasource/pulse/backend/streaming/source/conf"

// Secret is a value from a data source's secureJsonData: a password or a
// PEM block, printed as "[redacted]" (conf.Secret).
type Secret = conf.Secret
