package mqtt_test

import (
	"errors"
	"io"
	"net"
	"net/url"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// slowLink forwards TCP connections to the broker at brokerURL, each only
// after delay, as a slow network's connection set-up would; it is closed,
// with every connection, when the spec ends. It returns the URL to dial.
func slowLink(brokerURL string, delay time.Duration) string {
	GinkgoHelper()
	u, err := url.Parse(brokerURL)
	Expect(err).NotTo(HaveOccurred())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns []net.Conn
		quit  = make(chan struct{})
	)
	track := func(c net.Conn) bool {
		mu.Lock()
		defer mu.Unlock()
		select {
		case <-quit:
			_ = c.Close()
			return false
		default:
			conns = append(conns, c)
			return true
		}
	}
	wg.Go(func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			if !track(in) {
				return
			}
			wg.Go(func() {
				select {
				case <-time.After(delay):
				case <-quit:
					return
				}
				out, err := net.Dial("tcp", u.Host)
				if err != nil || !track(out) {
					_ = in.Close()
					return
				}
				wg.Go(func() { pipe(out, in) })
				pipe(in, out)
			})
		}
	})
	DeferCleanup(func() {
		mu.Lock()
		close(quit)
		_ = ln.Close()
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return "tcp://" + ln.Addr().String()
}

// pipe copies from src to dst until either ends, then closes both.
func pipe(dst, src net.Conn) {
	_, err := io.Copy(dst, src)
	if err != nil && !errors.Is(err, net.ErrClosed) {
		GinkgoWriter.Println("slow link:", err)
	}
	_ = dst.Close()
	_ = src.Close()
}
