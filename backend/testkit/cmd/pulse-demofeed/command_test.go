package main

import (
	"os/exec"
	"runtime"
	"sync"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"
)

// commandPath is the built pulse-demofeed, for the specs that need a
// process of its own: signals, the environment, exit statuses.
var (
	commandPath string
	buildOnce   sync.Once
)

func builtCommand() string {
	GinkgoHelper()
	buildOnce.Do(func() {
		var err error
		commandPath, err = gexec.Build("github.com/pulse-datasource/pulse/backend/testkit/cmd/pulse-demofeed")
		Expect(err).NotTo(HaveOccurred())
	})
	Expect(commandPath).NotTo(BeEmpty(), "the build failed in an earlier spec")
	return commandPath
}

var _ = Describe("the command", func() {
	DescribeTable("stops on a signal with status 0, every room offline, its broker given by the environment",
		func(ctx SpecContext, sig syscall.Signal) {
			if runtime.GOOS == "windows" {
				Skip("no POSIX signals on Windows")
			}
			b := startBroker()
			sub := subscribe(b.URL("plain"), "home/#")
			cmd := exec.Command(builtCommand(), "-rooms", "kitchen=10,garage=0.2")
			cmd.Env = append(cmd.Environ(), "PULSE_DEMO_URI="+b.URL("plain"), "PULSE_DEMO_ROOMS=ignored=1", "PULSE_DEMO_HTTP=127.0.0.1:0")
			session, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(session.Kill)

			Eventually(session.Err).WithContext(ctx).Should(gbytes.Say("connected to " + b.URL("plain")))
			Eventually(sub.count("home/kitchen/climate")).WithContext(ctx).Should(BeNumerically(">=", 5))
			Eventually(sub.count("home/garage/climate")).WithContext(ctx).Should(BeNumerically(">=", 1))
			Expect(sub.on("home/ignored/climate")).To(BeEmpty(), "-rooms wins over PULSE_DEMO_ROOMS")

			session.Signal(sig)
			Eventually(session).WithContext(ctx).WithTimeout(10 * time.Second).Should(gexec.Exit(0))
			Expect(session.Err).To(gbytes.Say(`stopped; published kitchen \d+, garage \d+`))
			Expect(session.Out.Contents()).To(BeEmpty(), "logs go to stderr")
			for _, name := range []string{"kitchen", "garage"} {
				Eventually(func() string {
					msgs := sub.on("home/" + name + "/status")
					if len(msgs) == 0 {
						return ""
					}
					return decodeStatus(msgs[len(msgs)-1].payload).State
				}).WithContext(ctx).Should(Equal("offline"))
			}
		},
		Entry("SIGTERM, as docker compose stop sends", SpecTimeout(3*time.Minute), syscall.SIGTERM),
		Entry("SIGINT, as Ctrl-C sends", SpecTimeout(3*time.Minute), syscall.SIGINT),
	)

	It("exits with status 2 and one line naming the variable for bad input", func(ctx SpecContext) {
		cmd := exec.Command(builtCommand())
		cmd.Env = append(cmd.Environ(), "PULSE_DEMO_ROOMS=kitchen=fast")
		session, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(session).WithContext(ctx).Should(gexec.Exit(2))
		Expect(string(session.Err.Contents())).To(Equal(
			"pulse-demofeed: PULSE_DEMO_ROOMS \"kitchen=fast\": room \"kitchen\": the rate \"fast\" is not a number of Hz from 0.01 to 100\n"))
	}, SpecTimeout(2*time.Minute))
})
