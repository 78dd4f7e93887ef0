package main

import (
	"bufio"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// The project's conventions for the services beside Grafana: the MQTT
// broker its "Pulse MQTT" data source reads, and the demo feed that
// publishes to it (natsstack.go has the NATS server's and the feed's HTTP
// listener's).
const (
	brokerService   = "mosquitto"
	brokerImage     = "eclipse-mosquitto"
	brokerConfigDir = "/mosquitto/config"
	brokerConfig    = "mosquitto.conf"

	feedService    = "demofeed"
	feedDockerfile = ".config/demofeed.Dockerfile"
	feedPackage    = "./backend/testkit/cmd/pulse-demofeed"
	feedURIEnv     = "PULSE_DEMO_URI"

	conditionHealthy = types.ServiceConditionHealthy
)

// brokerTag is a pinned 2.x release of the broker's image: 2.0.22, or with a
// variant, 2.1.2-alpine.
var brokerTag = regexp.MustCompile(`^2\.[0-9]+\.[0-9]+(-[a-z0-9.]+)?$`)

// CheckStack applies the project's rules to every image, the broker, the
// NATS server and the demo feed, and checks that the provisioned MQTT,
// NATS, HTTP and WebSocket data sources name the services that serve them,
// which Grafana waits for. mqtt is docs/mqtt.md's contract.
func CheckStack(p *types.Project, prov *Provisioning, mqtt *MQTTContract) []error {
	var errs []error
	addTo := func(service string) func(string, ...any) {
		return func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("service %s: "+format, append([]any{service}, args...)...))
		}
	}
	for _, name := range p.ServiceNames() {
		if img := p.Services[name].Image; img != "" {
			checkImageRef(addTo(name), "image "+img, img)
		}
	}

	listeners := checkBroker(p, addTo(brokerService))
	checkFeed(p, mqtt, listeners, addTo(feedService))
	nats := checkNATS(p, addTo(natsService))
	feedHTTP := checkFeedSinks(p, nats, addTo(feedService))
	if _, ok := p.Services[serviceName]; ok {
		errs = append(errs, checkFeedDataSources(p, prov, nats, feedHTTP, addTo(serviceName))...)
	}

	// Grafana reaches each provisioned MQTT data source's broker, and waits
	// for it.
	grafana, ok := p.Services[serviceName]
	if !ok || mqtt == nil {
		return errs
	}
	add := addTo(serviceName)
	mqttSources := 0
	for _, ds := range prov.DataSources {
		uri, isString := ds.JSONData["uri"].(string)
		if ds.Source() != sourceMQTT || !isString {
			continue
		}
		mqttSources++
		where := fmt.Sprintf("%s: data source %q", rel(prov.Dir, ds.File), ds.Name)
		u, err := mqtt.CheckURI(uri)
		if err != nil {
			continue // reported with the provisioning
		}
		_, hasUser := ds.JSONData["username"]
		host := u.Hostname()
		switch {
		case host != brokerService && p.Services[host].Name == "":
			errs = append(errs, fmt.Errorf("%s: uri %s names %s, which is no service of the compose file: Grafana could not reach it", where, uri, host))
		case host != brokerService:
			errs = append(errs, fmt.Errorf("%s: uri %s names service %s, not the broker %s", where, uri, host, brokerService))
		case listeners != nil:
			if err := brokerServes(listeners, u, mqtt.Port(u), !hasUser); err != nil {
				errs = append(errs, fmt.Errorf("%s: uri %s: %w", where, uri, err))
			}
		}
		if dep, ok := grafana.DependsOn[host]; host == brokerService && (!ok || dep.Condition != conditionHealthy) {
			add("depends_on lacks %s with condition %s: data source %q reads it", host, conditionHealthy, ds.Name)
		}
	}
	if _, ok := grafana.DependsOn[feedService]; mqttSources > 0 && !ok && p.Services[feedService].Name != "" {
		add("depends_on lacks %s: the provisioned MQTT data sources show its readings", feedService)
	}
	return errs
}

// checkImageRef wants ref pinned to a tag or digest other than latest, and
// named without a registry host (the daemon's default registry serves it).
func checkImageRef(add func(string, ...any), what, ref string) {
	if host := registryHost(ref); host != "" {
		add("%s names the registry host %s; name the image without one", what, host)
	}
	if tag := imageTag(ref); !strings.Contains(ref, "@") && (tag == "" || tag == "latest") {
		add("%s is not pinned: give it a version tag", what)
	}
}

// registryHost is the registry host an image reference starts with, or ""
// for one without (eclipse-mosquitto:2.0.22, grafana/grafana:13.2.3).
func registryHost(ref string) string {
	first, _, found := strings.Cut(ref, "/")
	if found && (strings.ContainsAny(first, ".:") || first == "localhost") {
		return first
	}
	return ""
}

// imageTag is the tag of an image reference, "" when it has none.
func imageTag(ref string) string {
	ref, _, _ = strings.Cut(ref, "@")
	last := ref[strings.LastIndex(ref, "/")+1:]
	_, tag, _ := strings.Cut(last, ":")
	return tag
}

// imageRepository is an image reference without its tag and digest.
func imageRepository(ref string) string {
	ref, _, _ = strings.Cut(ref, "@")
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		return ref[:i]
	}
	return ref
}

// checkBroker checks the broker service: the official image pinned to a
// 2.x release, a configuration from the repository mounted read-only, an
// anonymous MQTT listener for the compose network, a healthcheck, and no
// anonymous port open on the host's interfaces. It returns the
// configuration's listeners, nil when it could not read them.
func checkBroker(p *types.Project, add func(string, ...any)) []listener {
	svc, ok := p.Services[brokerService]
	if !ok {
		add("missing: the compose file runs the MQTT broker of the \"Pulse MQTT\" data source as service %s (have %s)", brokerService, strings.Join(p.ServiceNames(), ", "))
		return nil
	}
	if repo := imageRepository(svc.Image); repo != brokerImage || !brokerTag.MatchString(imageTag(svc.Image)) {
		add("image %q, want %s:<a 2.x release such as 2.0.22>", svc.Image, brokerImage)
	}
	if svc.Build != nil {
		add("has a build section; it runs the official %s image as it is", brokerImage)
	}
	if hc := svc.HealthCheck; hc == nil || hc.Disable || len(hc.Test) == 0 || hc.Test[0] == "NONE" {
		add("needs a healthcheck, which Grafana and the demo feed wait for")
	}
	for _, pc := range svc.Ports {
		if pc.HostIP == "" || pc.HostIP == "0.0.0.0" || pc.HostIP == "::" {
			add("publishes port %d on every interface of the host; the anonymous broker is for the compose network (publish it on 127.0.0.1 if the host needs it)", pc.Target)
		}
	}

	var conf string
	for _, v := range svc.Volumes {
		if v.Type != types.VolumeTypeBind {
			continue
		}
		switch path.Clean(v.Target) {
		case brokerConfigDir:
			conf = filepath.Join(v.Source, brokerConfig)
		case brokerConfigDir + "/" + brokerConfig:
			conf = v.Source
		default:
			continue
		}
		checkConfigMount(p, v, add)
	}
	if conf == "" {
		add("does not bind-mount a configuration from the repository at %s (a directory holding %s)", brokerConfigDir, brokerConfig)
		return nil
	}
	listeners, ok := readConfig(p, conf, parseMosquittoConf, add)
	if !ok {
		return nil
	}
	if !slices.ContainsFunc(listeners, func(l listener) bool { return l.anonymous && l.network() && l.protocol == "mqtt" }) {
		add("%s has no MQTT listener open to the compose network that allows anonymous clients (listener 1883 with allow_anonymous true)", relTo(p.WorkingDir, conf))
	}
	return listeners
}

// checkConfigMount checks a service's bind mount v of its configuration:
// read-only, and from inside the repository.
func checkConfigMount(p *types.Project, v types.ServiceVolumeConfig, add func(string, ...any)) {
	if !v.ReadOnly {
		add("mounts %s read-write; mount it read-only (:ro)", v.Target)
	}
	if r, err := filepath.Rel(p.WorkingDir, v.Source); err != nil || strings.HasPrefix(r, "..") {
		add("mounts %s from %s, outside the repository", v.Target, v.Source)
	}
}

// readConfig reads a service's configuration file conf and parses it;
// false, once add was told why, when it cannot.
func readConfig[T any](p *types.Project, conf string, parse func(string) (T, error), add func(string, ...any)) (T, bool) {
	var zero T
	raw, err := os.ReadFile(conf)
	if err != nil {
		add("its configuration: %v", err)
		return zero, false
	}
	c, err := parse(string(raw))
	if err != nil {
		add("%s: %v", relTo(p.WorkingDir, conf), err)
		return zero, false
	}
	return c, true
}

// checkFeed checks the demo feed service: built from its Dockerfile in the
// repository, started once the broker is healthy, and pointed at one of
// the broker's anonymous listeners.
func checkFeed(p *types.Project, mqtt *MQTTContract, listeners []listener, add func(string, ...any)) {
	svc, ok := p.Services[feedService]
	if !ok {
		add("missing: the compose file runs the demo feed (%s) as service %s", feedPackage, feedService)
		return
	}
	if df, ok := checkBuild(p, svc, feedDockerfile, add); ok {
		goImage, err := goImageOf(filepath.Join(p.WorkingDir, dockerfile), p.WorkingDir)
		if err != nil {
			add("%v", err)
		}
		for _, e := range CheckFeedDockerfile(df, p.WorkingDir, goImage) {
			add("%v", e)
		}
	}
	if dep, ok := svc.DependsOn[brokerService]; !ok || dep.Condition != conditionHealthy {
		add("depends_on lacks %s with condition %s: it publishes there", brokerService, conditionHealthy)
	}

	uri := ""
	if v := svc.Environment[feedURIEnv]; v != nil {
		uri = *v
	}
	// A -uri flag in the command wins over the variable, as in the feed.
	for i, arg := range svc.Command {
		flag := "-" + strings.TrimLeft(arg, "-")
		if flag == "-uri" && i+1 < len(svc.Command) {
			uri = svc.Command[i+1]
		} else if v, ok := strings.CutPrefix(flag, "-uri="); ok {
			uri = v
		}
	}
	if uri == "" {
		add("names no broker: set %s (its default, 127.0.0.1, is the container itself)", feedURIEnv)
		return
	}
	if mqtt == nil {
		return
	}
	u, err := mqtt.CheckURI(uri)
	switch {
	case err != nil:
		add("%s: %v", feedURIEnv, err)
	case u.Hostname() != brokerService:
		add("%s=%s names %s, not the broker %s", feedURIEnv, uri, u.Hostname(), brokerService)
	case listeners != nil:
		if err := brokerServes(listeners, u, mqtt.Port(u), true); err != nil {
			add("%s=%s: %w", feedURIEnv, uri, err)
		}
	}
}

// brokerServes says why the broker's listeners do not serve u, a uri on
// port; anonymous asks for a listener that allows anonymous clients.
func brokerServes(listeners []listener, u *url.URL, port int, anonymous bool) error {
	protocol := map[string]string{"tcp": "mqtt", "mqtt": "mqtt", "ws": "websockets"}[u.Scheme]
	if protocol == "" {
		return fmt.Errorf("the broker of the compose file has no TLS listener; use tcp://")
	}
	for _, l := range listeners {
		if l.port != port {
			continue
		}
		switch {
		case !l.network():
			return fmt.Errorf("the broker's listener %d is bound to %s, out of the compose network's reach", port, l.bind)
		case l.protocol != protocol:
			return fmt.Errorf("the broker's listener %d speaks %s, and %s:// wants %s", port, l.protocol, u.Scheme, protocol)
		case anonymous && !l.anonymous:
			return fmt.Errorf("the broker's listener %d does not allow anonymous clients, and no username is set", port)
		}
		return nil
	}
	var ports []string
	for _, l := range listeners {
		ports = append(ports, strconv.Itoa(l.port))
	}
	return fmt.Errorf("the broker has no listener on port %d (it listens on %s)", port, strings.Join(ports, ", "))
}

// listener is one listener of a mosquitto configuration.
type listener struct {
	port      int
	bind      string // "" for every interface
	protocol  string // mqtt or websockets
	anonymous bool   // whether anonymous clients may connect
}

// network says whether the listener takes connections from other
// containers: it is bound to every interface.
func (l listener) network() bool {
	return l.bind == "" || l.bind == "0.0.0.0" || l.bind == "::"
}

// parseMosquittoConf reads the listeners of a mosquitto 2.x configuration
// and whether each allows anonymous clients: allow_anonymous is false
// unless set, and applies to every listener unless per_listener_settings is
// true, when it applies to the listener above it.
func parseMosquittoConf(text string) ([]listener, error) {
	var listeners []listener
	perListener := false
	global := false
	anonymousSet := map[int]bool{} // by listener index, with per_listener_settings
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		boolean := func() (bool, error) {
			if len(fields) != 2 || (fields[1] != "true" && fields[1] != "false") {
				return false, fmt.Errorf("line %d: %s takes true or false", n, fields[0])
			}
			return fields[1] == "true", nil
		}
		switch fields[0] {
		case "per_listener_settings":
			v, err := boolean()
			if err != nil {
				return nil, err
			}
			perListener = v
		case "listener":
			if len(fields) < 2 || len(fields) > 3 {
				return nil, fmt.Errorf("line %d: listener takes a port and an optional address", n)
			}
			port, err := strconv.Atoi(fields[1])
			if err != nil || port < 0 || port > 65535 {
				return nil, fmt.Errorf("line %d: listener port %q is not a port", n, fields[1])
			}
			l := listener{port: port, protocol: "mqtt"}
			if len(fields) == 3 {
				l.bind = fields[2]
			}
			listeners = append(listeners, l)
		case "protocol":
			if len(fields) != 2 || len(listeners) == 0 {
				return nil, fmt.Errorf("line %d: protocol needs a listener above it and one value", n)
			}
			listeners[len(listeners)-1].protocol = fields[1]
		case "allow_anonymous":
			v, err := boolean()
			if err != nil {
				return nil, err
			}
			if len(listeners) > 0 {
				anonymousSet[len(listeners)-1] = v
			}
			global = v
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(listeners) == 0 {
		return nil, fmt.Errorf("no listener: mosquitto 2 then listens on localhost only")
	}
	for i := range listeners {
		if perListener {
			listeners[i].anonymous = anonymousSet[i]
		} else {
			listeners[i].anonymous = global
		}
	}
	return listeners, nil
}
