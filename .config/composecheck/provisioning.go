package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	yaml "go.yaml.in/yaml/v4"
)

// grafanaQueryFields are the fields Grafana itself keeps on every saved query,
// beside the plugin's own (docs/query-model.md: "Every field is optional").
var grafanaQueryFields = []string{"refId", "datasource", "hide"}

// DataSource is one entry of a datasources/*.yaml provisioning file.
type DataSource struct {
	Name           string         `yaml:"name"`
	Type           string         `yaml:"type"`
	UID            string         `yaml:"uid"`
	IsDefault      bool           `yaml:"isDefault"`
	JSONData       map[string]any `yaml:"jsonData"`
	SecureJSONData map[string]any `yaml:"secureJsonData"`
	File           string         `yaml:"-"`
}

// Source is the data source's jsonData.source: "signals" when absent, and
// as written when it is not a string, for the checks to report.
func (ds DataSource) Source() string {
	switch v := ds.JSONData[sourceSetting].(type) {
	case nil:
		return sourceSignals
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

// DashboardProvider is one entry of a dashboards/*.yaml provisioning file.
type DashboardProvider struct {
	Name    string `yaml:"name"`
	Type    string `yaml:"type"`
	Options struct {
		Path string `yaml:"path"`
	} `yaml:"options"`
	File string `yaml:"-"`
}

// Provisioning is a provisioning directory, read.
type Provisioning struct {
	Dir         string
	DataSources []DataSource
	Providers   []DashboardProvider
	// Dashboards maps each dashboards/**/*.json file to its decoded JSON.
	Dashboards map[string]map[string]any
}

// ReadProvisioning reads the data sources, dashboard providers and dashboards
// under dir. It fails on a file that does not parse.
func ReadProvisioning(dir string) (*Provisioning, error) {
	p := &Provisioning{Dir: dir, Dashboards: map[string]map[string]any{}}
	dsFiles, err := yamlFiles(filepath.Join(dir, "datasources"))
	if err != nil {
		return nil, err
	}
	for _, file := range dsFiles {
		var doc struct {
			APIVersion  int          `yaml:"apiVersion"`
			DataSources []DataSource `yaml:"datasources"`
		}
		if err := decodeYAML(file, &doc); err != nil {
			return nil, err
		}
		if doc.APIVersion != 1 {
			return nil, fmt.Errorf("%s: apiVersion is %d, want 1", file, doc.APIVersion)
		}
		for _, ds := range doc.DataSources {
			ds.File = file
			p.DataSources = append(p.DataSources, ds)
		}
	}

	dashDir := filepath.Join(dir, "dashboards")
	providerFiles, err := yamlFiles(dashDir)
	if err != nil {
		return nil, err
	}
	for _, file := range providerFiles {
		var doc struct {
			APIVersion int                 `yaml:"apiVersion"`
			Providers  []DashboardProvider `yaml:"providers"`
		}
		if err := decodeYAML(file, &doc); err != nil {
			return nil, err
		}
		if doc.APIVersion != 1 {
			return nil, fmt.Errorf("%s: apiVersion is %d, want 1", file, doc.APIVersion)
		}
		for _, pr := range doc.Providers {
			pr.File = file
			p.Providers = append(p.Providers, pr)
		}
	}

	err = filepath.WalkDir(dashDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".json" {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var dash map[string]any
		if err := json.Unmarshal(raw, &dash); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		p.Dashboards[path] = dash
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	return p, nil
}

func yamlFiles(dir string) ([]string, error) {
	var files []string
	for _, pattern := range []string{"*.yaml", "*.yml"} {
		m, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			return nil, err
		}
		files = append(files, m...)
	}
	sort.Strings(files)
	return files, nil
}

// decodeYAML decodes file into v; keys v does not declare are ignored.
func decodeYAML(file string, v any) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	dec.KnownFields(false) // Grafana's own keys (access, editable, …) are not all modelled here.
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return nil
}

// Check applies the query model and the project's conventions to everything
// provisioned: each Pulse data source's jsonData, each provider's path, and
// every query of every dashboard that uses Pulse. containerDir is where the
// directory is mounted in the Grafana container. It returns every problem found.
func (p *Provisioning) Check(c *Contract, pluginID, containerDir string) []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	pulse := map[string]DataSource{}
	var defaults []string
	for _, ds := range p.DataSources {
		where := fmt.Sprintf("%s: data source %q", rel(p.Dir, ds.File), ds.Name)
		if ds.IsDefault {
			defaults = append(defaults, ds.Name)
		}
		if ds.Type != pluginID {
			continue
		}
		if ds.UID == "" {
			add("%s: no uid; dashboards and tests refer to Pulse by uid", where)
		} else if _, dup := pulse[ds.UID]; dup {
			add("%s: uid %q is used twice", where, ds.UID)
		}
		pulse[ds.UID] = ds
		if ds.Source() == sourceMQTT {
			errs = append(errs, checkMQTTDataSource(c.MQTT, ds, where)...)
			continue
		}
		if isFeedSource(ds.Source()) {
			errs = append(errs, checkFeedDataSource(ds, where)...)
			continue
		}
		if len(ds.SecureJSONData) > 0 {
			add("%s: secureJsonData is set, but Pulse has no secure settings", where)
		}
		for _, key := range sortedKeys(ds.JSONData) {
			if key == sourceSetting {
				if v := ds.JSONData[key]; v != sourceSignals {
					add("%s: jsonData.source is %v, want one of %s", where, v, strings.Join(append([]string{sourceSignals, sourceMQTT}, sortedKeys(feedSources)...), ", "))
				}
				continue
			}
			field, ok := c.Settings[key]
			if !ok {
				add("%s: jsonData.%s is not a setting of docs/query-model.md (known: %s)", where, key, strings.Join(sortedKeys(c.Settings), ", "))
				continue
			}
			if err := field.Check(normalizeNumber(ds.JSONData[key]), nil); err != nil {
				add("%s: jsonData.%w", where, err)
			}
		}
	}
	if len(pulse) == 0 {
		add("%s: no data source of type %s", filepath.Join(rel(p.Dir, p.Dir), "datasources"), pluginID)
	}
	if len(defaults) > 1 {
		add("datasources: %d default data sources (%s); Grafana wants at most one", len(defaults), strings.Join(defaults, ", "))
	}

	if len(p.Providers) == 0 {
		add("dashboards: no dashboard provider")
	}
	for _, pr := range p.Providers {
		where := fmt.Sprintf("%s: provider %q", rel(p.Dir, pr.File), pr.Name)
		if pr.Type != "" && pr.Type != "file" {
			add("%s: type %q, want file", where, pr.Type)
			continue
		}
		host, ok := hostPath(pr.Options.Path, containerDir, p.Dir)
		if !ok {
			add("%s: options.path %q is outside the mounted %s", where, pr.Options.Path, containerDir)
			continue
		}
		if st, err := os.Stat(host); err != nil || !st.IsDir() {
			add("%s: options.path %q is %s on the host, which is not a directory", where, pr.Options.Path, rel(p.Dir, host))
			continue
		}
		if m, _ := filepath.Glob(filepath.Join(host, "*.json")); len(m) == 0 {
			add("%s: no dashboard JSON in %s", where, rel(p.Dir, host))
		}
	}

	uids := map[string]string{}
	for _, file := range sortedKeys(p.Dashboards) {
		d := dashboardChecker{contract: c, pluginID: pluginID, pulse: pulse, file: rel(p.Dir, file), add: add}
		uid := d.check(p.Dashboards[file])
		if other, dup := uids[uid]; dup && uid != "" {
			add("%s: dashboard uid %q is also used by %s", d.file, uid, other)
		}
		uids[uid] = d.file
	}
	return errs
}

// dashboardChecker checks one dashboard's panels and Pulse queries.
type dashboardChecker struct {
	contract *Contract
	pluginID string
	pulse    map[string]DataSource
	file     string
	vars     map[string]bool
	add      func(format string, args ...any)
}

func (d *dashboardChecker) check(dash map[string]any) string {
	uid, _ := dash["uid"].(string)
	if uid == "" {
		d.add("%s: no uid", d.file)
	}
	if title, _ := dash["title"].(string); title == "" {
		d.add("%s: no title", d.file)
	}
	d.vars = map[string]bool{}
	if tmpl, ok := dash["templating"].(map[string]any); ok {
		list, _ := tmpl["list"].([]any)
		for _, v := range list {
			if m, ok := v.(map[string]any); ok {
				if name, _ := m["name"].(string); name != "" {
					d.vars[name] = true
				}
			}
		}
	}
	ids := map[float64]string{}
	titles := map[string]bool{}
	d.panels(dash["panels"], ids, titles)
	return uid
}

func (d *dashboardChecker) panels(v any, ids map[float64]string, titles map[string]bool) {
	list, _ := v.([]any)
	for i, raw := range list {
		panel, ok := raw.(map[string]any)
		if !ok {
			d.add("%s: panels[%d] is not an object", d.file, i)
			continue
		}
		title, _ := panel["title"].(string)
		id, hasID := panel["id"].(float64)
		where := fmt.Sprintf("%s: panel %v %q", d.file, panel["id"], title)
		switch {
		case !hasID || id <= 0 || id != float64(int64(id)):
			d.add("%s: needs a positive integer id", where)
		case ids[id] != "":
			d.add("%s: id %v is also panel %q", where, id, ids[id])
		default:
			ids[id] = title
		}
		if title == "" {
			d.add("%s: needs a title", where)
		} else if titles[title] {
			d.add("%s: title is used by another panel; tests find panels by title", where)
		}
		titles[title] = true
		d.panels(panel["panels"], ids, titles) // a row's collapsed panels
		targets, _ := panel["targets"].([]any)
		refIDs := map[string]bool{}
		for j, rawTarget := range targets {
			target, ok := rawTarget.(map[string]any)
			if !ok {
				d.add("%s: targets[%d] is not an object", where, j)
				continue
			}
			refID, _ := target["refId"].(string)
			if refID == "" {
				d.add("%s: targets[%d] has no refId", where, j)
			} else if refIDs[refID] {
				d.add("%s: refId %s is used twice", where, refID)
			}
			refIDs[refID] = true
			ds := dataSourceRef(target["datasource"])
			if ds == nil {
				ds = dataSourceRef(panel["datasource"])
			}
			if ds == nil || (ds["type"] != d.pluginID && d.pulse[fmt.Sprint(ds["uid"])].Type == "") {
				continue // another plugin's query
			}
			d.query(fmt.Sprintf("%s query %s", where, refID), ds, target)
		}
	}
}

func dataSourceRef(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// query checks one Pulse query against the contract and its data source's limits.
func (d *dashboardChecker) query(where string, ref, q map[string]any) {
	uid, _ := ref["uid"].(string)
	ds, ok := d.pulse[uid]
	if !ok {
		d.add("%s: data source uid %q is not a provisioned Pulse data source (have %s)", where, uid, strings.Join(sortedKeys(d.pulse), ", "))
	}
	if ok && ds.Source() == sourceMQTT {
		for _, err := range checkMQTTQuery(d.contract.MQTT, ds, q) {
			d.add("%s: %w", where, err)
		}
		return
	}
	if ok && isFeedSource(ds.Source()) {
		for _, err := range checkFeedQuery(ds, q, d.vars) {
			d.add("%s: %w", where, err)
		}
		return
	}
	for _, key := range sortedKeys(q) {
		if slices.Contains(grafanaQueryFields, key) {
			continue
		}
		field, known := d.contract.Query[key]
		if !known {
			d.add("%s: unknown field %q (docs/query-model.md knows %s)", where, key, strings.Join(sortedKeys(d.contract.Query), ", "))
			continue
		}
		if err := field.Check(q[key], d.vars); err != nil {
			d.add("%s: %w", where, err)
		}
	}
	if !ok {
		return
	}
	// The data source's own limits (docs/query-model.md, "Data source settings").
	limit := func(setting string) (float64, bool) {
		if v, ok := toFloat(normalizeNumber(ds.JSONData[setting])); ok {
			return v, true
		}
		v, ok := toFloat(d.contract.Settings[setting].Default)
		return v, ok
	}
	if step, ok := toFloat(q["stepMs"]); ok {
		if minStep, ok := limit("minStepMs"); ok && step < minStep {
			d.add("%s: stepMs %v is below data source %q's minStepMs %v", where, step, ds.Name, minStep)
		}
	}
	if n, ok := toFloat(q["seriesCount"]); ok {
		if maxSeries, ok := limit("maxSeries"); ok && n > maxSeries {
			d.add("%s: seriesCount %v is above data source %q's maxSeries %v", where, n, ds.Name, maxSeries)
		}
	}
}

// hostPath maps a path inside the container to the host, given that hostDir
// is mounted at containerDir.
func hostPath(inContainer, containerDir, hostDir string) (string, bool) {
	r, err := filepath.Rel(containerDir, filepath.Clean(inContainer))
	if err != nil || r == ".." || strings.HasPrefix(r, "../") {
		return "", false
	}
	return filepath.Join(hostDir, r), true
}

// normalizeNumber turns YAML's integers into float64, as JSON's are.
func normalizeNumber(v any) any {
	if n, ok := toFloat(v); ok {
		return n
	}
	return v
}

func rel(base, path string) string {
	r, err := filepath.Rel(filepath.Dir(base), path)
	if err != nil {
		return path
	}
	return r
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
