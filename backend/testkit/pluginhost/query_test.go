package pluginhost_test

import (
	"encoding/json"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

var _ = Describe("Instance", func() {
	ds := pluginhost.Instance{UID: "abc", Name: "Pulse", JSONData: []byte(`{"minStepMs":5}`), Updated: time.UnixMilli(42)}

	It("sends the plugin context Grafana sends", func() {
		pc := ds.PluginContext()
		Expect(pc.GetOrgId()).To(Equal(int64(1)))
		Expect(pc.GetPluginId()).To(Equal(pluginhost.PluginID))
		s := pc.GetDataSourceInstanceSettings()
		Expect(s.GetUid()).To(Equal("abc"))
		Expect(s.GetName()).To(Equal("Pulse"))
		Expect(s.GetJsonData()).To(Equal([]byte(`{"minStepMs":5}`)))
		Expect(s.GetLastUpdatedMS()).To(Equal(int64(42)))
		Expect(ds.ChannelPrefix()).To(Equal("ds/abc/"))
	})

	It("builds queries with Grafana's additions, and leaves raw and malformed ones alone", func() {
		from, to := time.UnixMilli(1000), time.UnixMilli(61000)
		req := ds.QueryDataRequest(
			pluginhost.Query{JSON: `{"kind":"sine"}`, From: from, To: to, MaxDataPoints: 100, Interval: time.Second},
			pluginhost.Query{RefID: "B", JSON: `{`},
			pluginhost.Query{RefID: "C", JSON: `{"kind":"sine"}`, Raw: true},
		)
		Expect(req.GetFormat()).To(Equal(pluginv2.DataFrameFormat_ARROW))
		Expect(req.GetQueries()).To(HaveLen(3))
		a := req.GetQueries()[0]
		Expect(a.GetRefId()).To(Equal("A"))
		Expect(a.GetTimeRange().GetFromEpochMS()).To(Equal(int64(1000)))
		Expect(a.GetTimeRange().GetToEpochMS()).To(Equal(int64(61000)))
		Expect(a.GetMaxDataPoints()).To(Equal(int64(100)))
		Expect(a.GetIntervalMS()).To(Equal(int64(1000)))
		var model map[string]any
		Expect(json.Unmarshal(a.GetJson(), &model)).To(Succeed())
		Expect(model).To(HaveKeyWithValue("kind", "sine"))
		Expect(model).To(HaveKeyWithValue("refId", "A"))
		Expect(model).To(HaveKeyWithValue("datasource", map[string]any{"type": pluginhost.PluginID, "uid": "abc"}))
		Expect(model).To(HaveKeyWithValue("maxDataPoints", 100.0))
		Expect(string(req.GetQueries()[1].GetJson())).To(Equal(`{`))
		Expect(string(req.GetQueries()[2].GetJson())).To(Equal(`{"kind":"sine"}`))
	})
})

var _ = Describe("BinaryName", func() {
	It("follows the SDK's naming", func() {
		Expect(pluginhost.BinaryName("linux", "amd64")).To(Equal("gpx_pulse_streaming_linux_amd64"))
		Expect(pluginhost.BinaryName("windows", "arm64")).To(Equal("gpx_pulse_streaming_windows_arm64.exe"))
	})
})
