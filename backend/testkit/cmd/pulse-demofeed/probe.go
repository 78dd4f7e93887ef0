package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// probeTimeout bounds the -probe request.
const probeTimeout = 3 * time.Second

// probeURL is the /healthz of the listener at addr, as seen from the same
// host: an address on every interface is asked on loopback.
func probeURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr + "/healthz" // checkListenAddr refused it already
	}
	switch host {
	case "", "0.0.0.0", "::":
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz"
}

// probe asks the feed's HTTP listener for /healthz, as the compose file's
// healthcheck does in an image without curl: 0 when it answers 200, 1
// otherwise, saying why on stderr.
func probe(cfg config, stderr io.Writer) int {
	url := probeURL(cfg.httpAddr)
	client := &http.Client{Timeout: probeTimeout}
	resp, err := client.Get(url)
	if err != nil {
		fmt.Fprintf(stderr, "pulse-demofeed: probe: %v\n", err)
		return 1
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "pulse-demofeed: probe: %s answered %s\n", url, resp.Status)
		return 1
	}
	return 0
}
