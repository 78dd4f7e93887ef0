package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func loadRepoContract(t *testing.T) *Contract {
	t.Helper()
	c, err := LoadContract(filepath.Join(repoRoot, "docs", "query-model.md"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The parser reads what docs/query-model.md says; spot-check it so a change of
// the document's layout cannot silently empty the contract.
func TestContractIsReadFromTheDocs(t *testing.T) {
	c := loadRepoContract(t)
	wantQuery := []string{"amplitude", "flushMs", "kind", "offset", "periodMs", "seed", "seriesCount", "stepMs", "withStreaming"}
	if got := sortedKeys(c.Query); !slices.Equal(got, wantQuery) {
		t.Errorf("query fields %v, want %v", got, wantQuery)
	}
	if got := sortedKeys(c.Settings); !slices.Equal(got, []string{"maxSeries", "maxStreams", "minStepMs"}) {
		t.Errorf("settings %v, want maxSeries, maxStreams, minStepMs", got)
	}
	step := c.Query["stepMs"]
	if step.Type != TypeInteger || !step.HasRange || step.Min != 1 || step.Max != 3_600_000 || step.Default != 1000.0 {
		t.Errorf("stepMs = %+v", step)
	}
	if off := c.Query["offset"]; off.Type != TypeNumber || off.Min != -1e9 || off.Max != 1e9 {
		t.Errorf("offset = %+v", off)
	}
	if kind := c.Query["kind"]; !slices.Equal(kind.Enum, []string{"randomWalk", "sine", "square", "sawtooth", "counter"}) || kind.Default != "randomWalk" {
		t.Errorf("kind = %+v", kind)
	}
	if ws := c.Query["withStreaming"]; ws.Type != TypeBool || ws.Default != false {
		t.Errorf("withStreaming = %+v", ws)
	}
	if ms := c.Settings["maxSeries"]; ms.Max != 16 || ms.Default != 16.0 {
		t.Errorf("maxSeries = %+v", ms)
	}
}

func TestFieldCheck(t *testing.T) {
	c := loadRepoContract(t)
	vars := map[string]bool{"step": true}
	cases := []struct {
		field string
		value any
		want  string // "" when the value fits
	}{
		{"stepMs", 100.0, ""},
		{"stepMs", 1.0, ""},
		{"stepMs", 3_600_000.0, ""},
		{"stepMs", 0.0, "outside"},
		{"stepMs", 3_600_001.0, "outside"},
		{"stepMs", 2.5, "integer"},
		{"stepMs", "100", "number"},
		{"stepMs", "$step", ""},
		{"stepMs", "${step}", ""},
		{"stepMs", "$nope", "names no variable"},
		{"amplitude", 0.5, ""},
		{"offset", -1e9, ""},
		{"offset", -1e9 - 1, "outside"},
		{"seriesCount", 17.0, "outside"},
		{"kind", "sine", ""},
		{"kind", "triangle", "none of"},
		{"kind", 3.0, "string"},
		{"withStreaming", true, ""},
		{"withStreaming", "true", "bool"},
	}
	for _, tc := range cases {
		err := c.Query[tc.field].Check(tc.value, vars)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s=%v: %v", tc.field, tc.value, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s=%v: got %v, want an error mentioning %q", tc.field, tc.value, err, tc.want)
		}
	}
}
