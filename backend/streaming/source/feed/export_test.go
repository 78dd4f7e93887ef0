package feed

import (
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pulse-datasource/pulse/backend/streaming/history"
	"github.com/pulse-datasource/pulse/backend/streaming/jsonframe"
)

// DataPackets observes entries, one at a time, into a layout of at most
// maxColumns columns (its names carry the series when multi), and encodes
// them as a stream sends them once it sent the layout's schema: direct is
// the packet written without a frame (ok false when it leaves the entries
// to the SDK), sdk the SDK's encoding of the layout's wide frame.
func DataPackets(multi bool, maxColumns int, entries []history.Entry) (direct []byte, ok bool, sdk []byte, err error) {
	l := newLayout("series", multi, maxColumns)
	for _, e := range entries {
		l.observe(e.Series, []jsonframe.Row{e.Row})
	}
	direct, ok = l.dataPacket(entries)
	frame, _ := l.wideFrame(entries, 0)
	sdk, err = data.FrameToJSON(frame, data.IncludeDataOnly)
	return direct, ok, sdk, err
}
