package testserver

import (
	"fmt"
	"net"
)

// FreePort is a loopback TCP port nothing listens on now, for a server to
// listen on.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
