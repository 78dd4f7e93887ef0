package jsonframe_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/experimental"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/jsonframe"
)

// The golden frames are driven by the folder testdata: every <name>.json
// there is a payload, or JSON lines of several payloads when the file as a
// whole is not one JSON value. <name>.options.json, when present, holds the
// options (camelCase, as a query would) and labels. The payloads arrive a
// second apart from arrival; each is decoded and observed, and the frame of
// all their rows, in the schema as it ends, is compared with
// <name>.golden.txt. The frame's meta holds what the test saw besides
// (counters, errors, the payloads after which the schema changed): the
// test puts it there, jsonframe does not.

// arrival is when the first payload of a golden case arrives.
var arrival = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// caseOptions is the content of a <name>.options.json.
type caseOptions struct {
	TimeField       string      `json:"timeField"`
	Fields          []string    `json:"fields"`
	MaxDepth        int         `json:"maxDepth"`
	MaxFields       int         `json:"maxFields"`
	MaxPayloadBytes int         `json:"maxPayloadBytes"`
	Labels          data.Labels `json:"labels"`
}

// goldenCase reads the payloads and options of testdata/<name>.json.
func goldenCase(name string) ([][]byte, jsonframe.Options, data.Labels) {
	GinkgoHelper()
	body, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	Expect(err).NotTo(HaveOccurred())
	var payloads [][]byte
	if json.Valid(body) {
		payloads = [][]byte{body}
	} else {
		for line := range bytes.SplitSeq(body, []byte("\n")) {
			if line = bytes.TrimSuffix(line, []byte("\r")); len(line) > 0 {
				payloads = append(payloads, line)
			}
		}
	}
	var co caseOptions
	raw, err := os.ReadFile(filepath.Join("testdata", name+".options.json"))
	if err == nil {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		Expect(dec.Decode(&co)).To(Succeed(), "%s.options.json", name)
	} else {
		Expect(os.IsNotExist(err)).To(BeTrue(), "%v", err)
	}
	opts := jsonframe.Options{
		TimeField: co.TimeField, Fields: co.Fields, MaxDepth: co.MaxDepth,
		MaxFields: co.MaxFields, MaxPayloadBytes: co.MaxPayloadBytes,
	}
	return payloads, opts, co.Labels
}

// goldenNames lists the cases in testdata.
func goldenNames() []string {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		panic(err)
	}
	var names []string
	for _, f := range files {
		if name := strings.TrimSuffix(filepath.Base(f), ".json"); !strings.HasSuffix(name, ".options") {
			names = append(names, name)
		}
	}
	return names
}

var _ = Describe("Golden frames", func() {
	names := goldenNames()

	It("come from a folder of cases, each with its golden file", func() {
		Expect(len(names)).To(BeNumerically(">=", 20))
		for _, name := range names {
			_, err := os.Stat(filepath.Join("testdata", name+".golden.txt"))
			if !*updateGolden {
				Expect(err).NotTo(HaveOccurred(), "%s has no golden file", name)
			}
		}
	})

	for _, name := range names {
		It("frames "+name, func() {
			payloads, opts, labels := goldenCase(name)
			dec, err := jsonframe.NewDecoder(opts)
			Expect(err).NotTo(HaveOccurred())
			schema := jsonframe.NewSchema(opts)
			var (
				rows    []jsonframe.Row
				errs    = []string{}
				changes = []int{}
			)
			for i, p := range payloads {
				got, err := dec.Decode(p, arrival.Add(time.Duration(i)*time.Second))
				if err != nil {
					Expect(got).To(BeEmpty())
					errs = append(errs, err.Error())
				}
				if schema.Observe(got) {
					changes = append(changes, i)
				}
				rows = append(rows, got...)
			}
			frame := schema.Frame(rows, labels)

			// Reused columns give the same frame as new ones.
			var cols jsonframe.Columns
			cols.Frame(schema, rows[:len(rows)/2], labels)
			again := cols.Frame(schema, rows, labels)
			want, err := data.FrameToJSON(frame, data.IncludeAll)
			Expect(err).NotTo(HaveOccurred())
			Expect(data.FrameToJSON(again, data.IncludeAll)).To(MatchJSON(want))

			seen, err := json.Marshal(map[string]any{
				"decodeStats":   dec.Stats(),
				"schemaStats":   schema.Stats(),
				"errors":        errs,
				"schemaChanges": changes,
			})
			Expect(err).NotTo(HaveOccurred())
			var custom map[string]any // as the golden file reads it back
			Expect(json.Unmarshal(seen, &custom)).To(Succeed())
			frame.Meta = &data.FrameMeta{Custom: custom}
			Expect(experimental.CheckGoldenFrame(filepath.Join("testdata", name+".golden.txt"), frame, *updateGolden)).To(Succeed())
		})
	}
})
