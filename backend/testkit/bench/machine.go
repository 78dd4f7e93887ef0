package bench

import (
	"os"
	"runtime"
	"strings"
)

// Machine describes where the benchmarks ran.
type Machine struct {
	// CPU is the processor's model name.
	CPU string
	// Cores is the number of logical CPUs this process can use.
	Cores int
	// OS and Arch are GOOS and GOARCH.
	OS, Arch string
	// GoVersion is the Go release that built the command.
	GoVersion string
	// MemoryBytes is the total memory, or 0 when unknown.
	MemoryBytes int64
	// LoadAverage is the 1, 5 and 15 minute load averages when the run
	// started ("" when unknown): the cores may be shared.
	LoadAverage string
}

// ReadMachine describes this machine from /proc; what it cannot read is
// left unknown.
func ReadMachine() Machine {
	m := Machine{
		CPU:       "unknown",
		Cores:     runtime.NumCPU(),
		OS:        runtime.GOOS,
		Arch:      runtime.GOARCH,
		GoVersion: runtime.Version(),
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		m.CPU = ParseCPUModel(string(b))
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		m.MemoryBytes, _ = parseKBLine(string(b), "MemTotal:")
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			m.LoadAverage = strings.Join(f[:3], " ")
		}
	}
	return m
}

// ParseCPUModel returns the first processor's model name from the text of
// /proc/cpuinfo ("model name" on x86, "Model" or "Hardware" on some ARM
// kernels), or "unknown".
func ParseCPUModel(cpuinfo string) string {
	for _, key := range []string{"model name", "Model", "Hardware"} {
		for line := range strings.Lines(cpuinfo) {
			name, value, ok := strings.Cut(line, ":")
			if ok && strings.TrimSpace(name) == key {
				if v := strings.TrimSpace(value); v != "" {
					return v
				}
			}
		}
	}
	return "unknown"
}
