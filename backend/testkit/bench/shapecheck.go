package bench

import (
	"fmt"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// shapeChecker decodes sample packets of a stream in full and checks that
// they are frames of the expected width whose row count CountRows agrees
// with. It keeps the stream's schema between samples.
type shapeChecker struct {
	series  int
	decoder pluginhost.FrameDecoder
}

// packet checks one packet; withSchema says whether it must carry the
// schema.
func (c *shapeChecker) packet(raw []byte, withSchema bool) error {
	p, err := c.decoder.Decode(raw)
	if err != nil {
		return err
	}
	if withSchema && !p.HasSchema {
		return fmt.Errorf("the packet has no schema")
	}
	if got, want := len(p.Frame.Fields), c.series+1; got != want {
		return fmt.Errorf("the frame has %d fields, want %d (time and %d series)", got, want, c.series)
	}
	if _, err := pluginhost.Rows(p.Frame); err != nil {
		return err
	}
	counted, err := CountRows(raw)
	if err != nil {
		return err
	}
	if decoded := p.Frame.Rows(); counted != decoded {
		return fmt.Errorf("CountRows says %d rows, the decoder %d", counted, decoded)
	}
	return nil
}
