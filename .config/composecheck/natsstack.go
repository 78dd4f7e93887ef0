package main

import (
	"bufio"
	"fmt"
	"net"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// The project's conventions for the NATS server that the "Pulse NATS" data
// source reads and the demo feed publishes to, and for the demo feed's
// HTTP listener that the HTTP and WebSocket data sources read.
const (
	natsService   = "nats"
	natsImage     = "nats"
	natsConfigDir = "/etc/nats"
	natsConfig    = "nats-server.conf"

	feedNATSEnv     = "PULSE_DEMO_NATS"
	feedHTTPEnv     = "PULSE_DEMO_HTTP"
	feedDefaultHTTP = 8090 // the feed's -http default, :8090
)

// natsConf is what composecheck reads of a nats-server configuration.
type natsConf struct {
	port      int  // the client port, 4222 unless set
	monitor   int  // the monitoring port (http_port), 0 when there is none
	jetStream bool // a jetstream block, or jetstream: enabled
}

// parseNATSConf reads the top-level port, http_port (or monitor_port) and
// jetstream of a nats-server configuration: "key: value", "key = value" or
// "key value", # and // comments, and blocks in braces, whose contents are
// not top level.
func parseNATSConf(text string) (natsConf, error) {
	c := natsConf{port: 4222}
	depth := 0
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		top := depth == 0
		depth += strings.Count(line, "{") - strings.Count(line, "}")
		if depth < 0 {
			return c, fmt.Errorf("line %d: a } without its {", n)
		}
		if !top {
			continue
		}
		key, value := splitNATSLine(line)
		port := func() (int, error) {
			p, err := strconv.Atoi(strings.Trim(value, `"'`))
			if err != nil || p < 1 || p > 65535 {
				return 0, fmt.Errorf("line %d: %s %q is not a port", n, key, value)
			}
			return p, nil
		}
		var err error
		switch key {
		case "port":
			c.port, err = port()
		case "http_port", "monitor_port":
			c.monitor, err = port()
		case "jetstream":
			c.jetStream = strings.HasPrefix(value, "{") || slices.Contains([]string{"enabled", "true", "on", "yes"}, strings.ToLower(value))
		}
		if err != nil {
			return c, err
		}
	}
	if depth != 0 {
		return c, fmt.Errorf("a { is not closed")
	}
	return c, sc.Err()
}

// splitNATSLine splits "key: value", "key = value" or "key value".
func splitNATSLine(line string) (key, value string) {
	i := strings.IndexAny(line, ":= \t{")
	if i < 0 {
		return line, ""
	}
	key = line[:i]
	value = strings.TrimSpace(line[i:])
	value = strings.TrimSpace(strings.TrimLeft(value, ":="))
	return key, strings.TrimSuffix(value, ",")
}

// checkNATS checks the NATS service: the official image pinned to a 2.x
// release and run as it is, a configuration from the repository mounted
// read-only and given with --config, JetStream on, a healthcheck on the
// monitoring port's /healthz, and no port open on the host's interfaces.
// It returns the configuration, nil when it could not read it.
func checkNATS(p *types.Project, add func(string, ...any)) *natsConf {
	svc, ok := p.Services[natsService]
	if !ok {
		add("missing: the compose file runs the NATS server of the \"Pulse NATS\" data source as service %s (have %s)", natsService, strings.Join(p.ServiceNames(), ", "))
		return nil
	}
	if repo := imageRepository(svc.Image); repo != natsImage || !brokerTag.MatchString(imageTag(svc.Image)) {
		add("image %q, want %s:<a 2.x release such as 2.10.20-alpine>", svc.Image, natsImage)
	}
	if svc.Build != nil {
		add("has a build section; it runs the official %s image as it is", natsImage)
	}
	for _, pc := range svc.Ports {
		if pc.HostIP == "" || pc.HostIP == "0.0.0.0" || pc.HostIP == "::" {
			add("publishes port %d on every interface of the host; the anonymous server is for the compose network (publish it on 127.0.0.1 if the host needs it)", pc.Target)
		}
	}

	// The configuration: mounted from the repository, read-only, and the
	// one the command names.
	mounted := map[string]string{} // path in the container → host path
	for _, v := range svc.Volumes {
		if v.Type != types.VolumeTypeBind {
			continue
		}
		target := path.Clean(v.Target)
		if target != natsConfigDir && target != natsConfigDir+"/"+natsConfig {
			continue
		}
		checkConfigMount(p, v, add)
		if target == natsConfigDir {
			mounted[natsConfigDir+"/"+natsConfig] = filepath.Join(v.Source, natsConfig)
		} else {
			mounted[target] = v.Source
		}
	}
	named := ""
	jsFlag := false
	for i, arg := range svc.Command {
		switch {
		case (arg == "-c" || arg == "--config" || arg == "-config") && i+1 < len(svc.Command):
			named = path.Clean(svc.Command[i+1])
		case strings.HasPrefix(arg, "--config="):
			named = path.Clean(strings.TrimPrefix(arg, "--config="))
		case arg == "-js" || arg == "--jetstream" || arg == "--js":
			jsFlag = true
		}
	}
	conf := mounted[named]
	if named == "" || conf == "" {
		add("does not run with a configuration from the repository: mount it read-only at %s (a directory holding %s) and pass --config %s/%s", natsConfigDir, natsConfig, natsConfigDir, natsConfig)
		return nil
	}
	c, ok := readConfig(p, conf, parseNATSConf, add)
	if !ok {
		return nil
	}
	if !c.jetStream && !jsFlag {
		add("runs without JetStream: the demo feed's stream HOME keeps the history the NATS queries ask for (pass --jetstream, or a jetstream block in %s)", relTo(p.WorkingDir, conf))
	}

	hc := svc.HealthCheck
	switch {
	case hc == nil || hc.Disable || len(hc.Test) == 0 || hc.Test[0] == "NONE":
		add("needs a healthcheck, which Grafana and the demo feed wait for")
	case c.monitor == 0:
		add("%s sets no http_port: the healthcheck needs the monitoring endpoint /healthz", relTo(p.WorkingDir, conf))
	default:
		want := fmt.Sprintf(":%d/healthz", c.monitor)
		if !slices.ContainsFunc(hc.Test, func(s string) bool { return strings.Contains(s, want) }) {
			add("the healthcheck %q does not ask the monitoring port's /healthz (%s)", strings.Join(hc.Test, " "), want)
		}
	}
	return &c
}

// feedEnv is the value of the feed's variable name, with a -flag in its
// command winning over it, as in the feed; set is false when neither sets it.
func feedEnv(svc types.ServiceConfig, name, flag string) (value string, set bool) {
	if v := svc.Environment[name]; v != nil {
		value, set = *v, true
	}
	for i, arg := range svc.Command {
		f := "-" + strings.TrimLeft(arg, "-")
		if f == "-"+flag && i+1 < len(svc.Command) {
			value, set = svc.Command[i+1], true
		} else if v, ok := strings.CutPrefix(f, "-"+flag+"="); ok {
			value, set = v, true
		}
	}
	return value, set
}

// checkFeedSinks checks the demo feed's NATS server and HTTP listener: a
// NATS address naming the NATS service on its client port, which the feed
// waits for, and a healthcheck that probes the listener. It returns the
// listener's port, 0 when the listener is off.
func checkFeedSinks(p *types.Project, nc *natsConf, add func(string, ...any)) int {
	svc, ok := p.Services[feedService]
	if !ok {
		return 0
	}
	if raw, set := feedEnv(svc, feedNATSEnv, "nats"); !set || raw == "" {
		add("publishes to no NATS server: set %s=nats://%s:4222 for the \"Pulse NATS\" data source", feedNATSEnv, natsService)
	} else if u, err := url.Parse(raw); err != nil || u.Scheme != "nats" || u.Hostname() == "" {
		add("%s=%s is not nats://host:port", feedNATSEnv, raw)
	} else {
		port := 4222
		if u.Port() != "" {
			port, _ = strconv.Atoi(u.Port())
		}
		switch {
		case u.Hostname() != natsService:
			add("%s=%s names %s, not the NATS server %s", feedNATSEnv, raw, u.Hostname(), natsService)
		case nc != nil && port != nc.port:
			add("%s=%s: the NATS server listens on %d", feedNATSEnv, raw, nc.port)
		}
		if dep, ok := svc.DependsOn[natsService]; !ok || dep.Condition != conditionHealthy {
			add("depends_on lacks %s with condition %s: it publishes there", natsService, conditionHealthy)
		}
	}

	httpPort := feedDefaultHTTP
	if raw, set := feedEnv(svc, feedHTTPEnv, "http"); set {
		if raw == "" {
			return 0
		}
		_, port, err := net.SplitHostPort(raw)
		n, convErr := strconv.Atoi(port)
		if err != nil || convErr != nil || n < 1 || n > 65535 {
			add("%s=%q is not an address to listen on, like :8090", feedHTTPEnv, raw)
			return 0
		}
		httpPort = n
	}
	if hc := svc.HealthCheck; hc == nil || hc.Disable || !slices.Contains(hc.Test, "-probe") {
		add("needs a healthcheck that runs the feed with -probe (its image has no shell and no curl), which Grafana waits for")
	}
	return httpPort
}

// checkFeedDataSources checks that each provisioned HTTP, WebSocket and
// NATS data source names the service of the compose file that serves it,
// on the port it serves, and that Grafana waits for that service.
func checkFeedDataSources(p *types.Project, prov *Provisioning, nc *natsConf, feedHTTP int, add func(string, ...any)) []error {
	var errs []error
	grafana := p.Services[serviceName]
	waits := map[string]bool{} // services whose missing depends_on was reported
	for _, ds := range prov.DataSources {
		if !isFeedSource(ds.Source()) {
			continue
		}
		where := fmt.Sprintf("%s: data source %q", rel(prov.Dir, ds.File), ds.Name)
		u, port, err := feedURL(ds)
		if err != nil {
			continue // reported with the provisioning
		}
		want, wantPort := feedService, feedHTTP
		if ds.Source() == sourceNATS {
			want, wantPort = natsService, 0
			if nc != nil {
				wantPort = nc.port
			}
		}
		host := u.Hostname()
		switch {
		case p.Services[host].Name == "":
			errs = append(errs, fmt.Errorf("%s: url %s names %s, which is no service of the compose file: Grafana could not reach it", where, u, host))
			continue
		case host != want:
			errs = append(errs, fmt.Errorf("%s: url %s names service %s, not %s", where, u, host, want))
			continue
		case want == feedService && feedHTTP == 0:
			errs = append(errs, fmt.Errorf("%s: url %s names the demo feed, whose HTTP listener is off (%s is empty)", where, u, feedHTTPEnv))
		case wantPort != 0 && port != wantPort:
			errs = append(errs, fmt.Errorf("%s: url %s: %s serves on port %d", where, u, want, wantPort))
		}
		if dep, ok := grafana.DependsOn[host]; (!ok || dep.Condition != conditionHealthy) && !waits[host] {
			waits[host] = true
			add("depends_on lacks %s with condition %s: data source %q reads it", host, conditionHealthy, ds.Name)
		}
	}
	return errs
}
