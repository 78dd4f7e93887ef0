package streaming

// Field names every source's frames share.
const (
	// TimeField is the name of every frame's time field.
	TimeField = "time"
	// ValueField is the name of a frame's one value field: a signal's, or
	// a bare number, string or bool a feed delivered.
	ValueField = "value"
)

// GrafanaQueryFields are the fields Grafana itself adds to every query
// model (or that a saved dashboard may carry for it). They are not Pulse's,
// and never reported as unknown.
var GrafanaQueryFields = []string{
	"refId", "datasource", "datasourceId", "queryType", "hide", "key",
	"intervalMs", "maxDataPoints", "interval", "intervalFactor", "utcOffsetSec", "timeRange",
}
