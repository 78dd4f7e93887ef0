package bench_test

import (
	"os"
	"runtime"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/bench"
)

var _ = Describe("/proc parsing", func() {
	It("reads utime + stime from a stat line whose command name holds spaces and parentheses", func() {
		stat := "4242 (gpx (pulse) x) S 1 4242 4242 0 -1 4194560 9034 0 0 0 250 130 0 0 20 0 12 0 1234 1290240000 5120 18446744073709551615\n"
		Expect(bench.ParseStatCPU(stat)).To(Equal(3800 * time.Millisecond))
	})

	It("refuses a stat line it cannot read", func() {
		for _, bad := range []string{"", "4242 (x) S 1 2", "4242 (x) S 1 4242 4242 0 -1 4194560 9034 0 0 0 abc 130 0"} {
			_, err := bench.ParseStatCPU(bad)
			Expect(err).To(HaveOccurred(), bad)
		}
	})

	It("reads a thread's run time in nanoseconds from its schedstat, and refuses what is not one", func() {
		Expect(bench.ParseSchedstat("4624914 0 1\n")).To(Equal(4624914 * time.Nanosecond))
		for _, bad := range []string{"", "\n", "x 0 1", "-5 0 1"} {
			_, err := bench.ParseSchedstat(bad)
			Expect(err).To(HaveOccurred(), bad)
		}
	})

	It("measures a process's CPU finer than the 10 ms ticks of /proc/<pid>/stat", func() {
		if runtime.GOOS != "linux" {
			_, err := bench.ProcessCPU(os.Getpid())
			Expect(err).To(MatchError(bench.ErrNotLinux))
			return
		}
		before, err := bench.ProcessCPU(os.Getpid())
		Expect(err).NotTo(HaveOccurred())
		// Burn about 2 ms of CPU on this goroutine: a fifth of a tick.
		start := time.Now()
		for time.Since(start) < 2*time.Millisecond {
		}
		after, err := bench.ProcessCPU(os.Getpid())
		Expect(err).NotTo(HaveOccurred())
		Expect(after-before).To(BeNumerically(">", 0), "a whole tick would be needed to see anything otherwise")
		Expect(after - before).To(BeNumerically("<", time.Second))
	})

	It("reads VmRSS in bytes from a status file", func() {
		status := "Name:\tgpx_pulse\nVmPeak:\t 1300000 kB\nVmRSS:\t   20480 kB\nThreads:\t12\n"
		Expect(bench.ParseVmRSS(status)).To(Equal(int64(20480 * 1024)))
		_, err := bench.ParseVmRSS("Name:\tx\n")
		Expect(err).To(MatchError(ContainSubstring("VmRSS")))
		_, err = bench.ParseVmRSS("VmRSS:\t 12 MB\n")
		Expect(err).To(HaveOccurred())
	})

	It("reads VmRSS and VmHWM, the peak, in bytes from one status file", func() {
		status := "Name:\tgpx_pulse\nVmPeak:\t 1300000 kB\nVmHWM:\t   51200 kB\nVmRSS:\t   20480 kB\nThreads:\t12\n"
		Expect(bench.ParseMemory(status)).To(Equal(bench.Memory{RSS: 20480 * 1024, HWM: 51200 * 1024}))
		_, err := bench.ParseMemory("Name:\tx\nVmRSS:\t 12 kB\n")
		Expect(err).To(MatchError(ContainSubstring("VmHWM")))
		_, err = bench.ParseMemory("VmHWM:\t 12 kB\n")
		Expect(err).To(MatchError(ContainSubstring("VmRSS")))
	})

	It("finds the CPU model on x86 and ARM kernels", func() {
		x86 := "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 9R14\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 9R14\n"
		Expect(bench.ParseCPUModel(x86)).To(Equal("AMD EPYC 9R14"))
		arm := "processor\t: 0\nBogoMIPS\t: 108.00\nCPU part\t: 0xd0c\n\nHardware\t: BCM2835\nModel\t: Raspberry Pi 4 Model B Rev 1.4\n"
		Expect(bench.ParseCPUModel(arm)).To(Equal("Raspberry Pi 4 Model B Rev 1.4"))
		Expect(bench.ParseCPUModel("processor\t: 0\n")).To(Equal("unknown"))
	})

	It("reads this process's CPU time and memory on Linux", func() {
		if runtime.GOOS != "linux" {
			_, err := bench.ProcessRSS(os.Getpid())
			Expect(err).To(MatchError(bench.ErrNotLinux))
			return
		}
		rss, err := bench.ProcessRSS(os.Getpid())
		Expect(err).NotTo(HaveOccurred())
		Expect(rss).To(BeNumerically(">", 0))
		_, err = bench.ProcessCPU(os.Getpid())
		Expect(err).NotTo(HaveOccurred())
		_, err = bench.ProcessCPU(0)
		Expect(err).To(HaveOccurred())
		mem, err := bench.ProcessMemory(os.Getpid())
		Expect(err).NotTo(HaveOccurred())
		Expect(mem.HWM).To(BeNumerically(">=", mem.RSS), "the peak is at least the present")
	})
})

var _ = Describe("PromValue", func() {
	text := "# HELP go_goroutines Number of goroutines.\n# TYPE go_goroutines gauge\ngo_goroutines 10012\n" +
		"go_gc_duration_seconds{quantile=\"0.5\"} 0.0001\ngo_memstats_stack_inuse_bytes 8.192e+07\n"

	It("finds unlabelled samples", func() {
		v, ok := bench.PromValue(text, "go_goroutines")
		Expect(ok).To(BeTrue())
		Expect(v).To(Equal(10012.0))
		v, ok = bench.PromValue(text, "go_memstats_stack_inuse_bytes")
		Expect(ok).To(BeTrue())
		Expect(v).To(Equal(8.192e7))
	})

	It("reports a metric that is absent, or only labelled", func() {
		_, ok := bench.PromValue(text, "go_gc_duration_seconds")
		Expect(ok).To(BeFalse())
		_, ok = bench.PromValue(text, "go_memstats_heap_inuse_bytes")
		Expect(ok).To(BeFalse())
	})
})
