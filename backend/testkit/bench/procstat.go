package bench

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// userHZ is the unit of the CPU times in /proc/<pid>/stat: USER_HZ, which
// Linux fixes at 100 ticks a second for user space on the architectures Go
// targets.
const userHZ = 100

// ErrNotLinux is returned where a measurement needs Linux's /proc.
var ErrNotLinux = errors.New("the benchmarks read /proc and run on Linux only")

// ProcessCPU is the CPU time process pid has used so far, user and system:
// the sum of its threads' run times in /proc/<pid>/task/*/schedstat, in
// nanoseconds, or, where the kernel keeps no schedstat, utime + stime of
// /proc/<pid>/stat, in ticks of 10 ms. The ticks are too coarse for a
// burst of a few thousand messages, which takes Pulse a few milliseconds.
// A thread's time is lost when it exits; a Go process's threads do not.
func ProcessCPU(pid int) (time.Duration, error) {
	if d, err := threadsCPU(pid); err == nil {
		return d, nil
	}
	text, err := readProc(pid, "stat")
	if err != nil {
		return 0, err
	}
	return ParseStatCPU(text)
}

// threadsCPU sums the run times of process pid's threads from their
// schedstat files.
func threadsCPU(pid int) (time.Duration, error) {
	if runtime.GOOS != "linux" {
		return 0, ErrNotLinux
	}
	dir := fmt.Sprintf("/proc/%d/task", pid)
	tasks, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	var sum time.Duration
	read := 0
	for _, t := range tasks {
		b, err := os.ReadFile(dir + "/" + t.Name() + "/schedstat")
		if errors.Is(err, os.ErrNotExist) {
			continue // the thread exited meanwhile, or there is no schedstat
		}
		if err != nil {
			return 0, err
		}
		d, err := ParseSchedstat(string(b))
		if err != nil {
			return 0, err
		}
		sum += d
		read++
	}
	if read == 0 {
		return 0, fmt.Errorf("%s: no thread has a schedstat", dir)
	}
	return sum, nil
}

// ParseSchedstat reads the time a thread ran on a CPU from the text of
// /proc/<pid>/task/<tid>/schedstat: its first field, in nanoseconds.
func ParseSchedstat(text string) (time.Duration, error) {
	fields := strings.Fields(text)
	if len(fields) < 1 {
		return 0, errors.New("/proc schedstat: empty")
	}
	ns, err := strconv.ParseInt(fields[0], 10, 64)
	if err != nil || ns < 0 {
		return 0, fmt.Errorf("/proc schedstat: %q is not a run time in nanoseconds", fields[0])
	}
	return time.Duration(ns), nil
}

// ProcessRSS is process pid's resident memory in bytes.
func ProcessRSS(pid int) (int64, error) {
	text, err := readProc(pid, "status")
	if err != nil {
		return 0, err
	}
	return ParseVmRSS(text)
}

// Memory is a process's resident memory now and at its peak, in bytes.
type Memory struct {
	// RSS is VmRSS, the resident set now.
	RSS int64
	// HWM is VmHWM, the largest resident set the process had so far (its
	// high-water mark).
	HWM int64
}

// ProcessMemory is process pid's resident memory now and at its peak, from
// one read of /proc/<pid>/status.
func ProcessMemory(pid int) (Memory, error) {
	text, err := readProc(pid, "status")
	if err != nil {
		return Memory{}, err
	}
	return ParseMemory(text)
}

// ParseMemory reads VmRSS and VmHWM from the text of /proc/<pid>/status.
func ParseMemory(status string) (Memory, error) {
	rss, err := ParseVmRSS(status)
	if err != nil {
		return Memory{}, err
	}
	hwm, err := parseKBLine(status, "VmHWM:")
	if err != nil {
		return Memory{}, err
	}
	return Memory{RSS: rss, HWM: hwm}, nil
}

func readProc(pid int, file string) (string, error) {
	if runtime.GOOS != "linux" {
		return "", ErrNotLinux
	}
	if pid <= 0 {
		return "", fmt.Errorf("no process id (%d) to read /proc for", pid)
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/%s", pid, file))
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// ParseStatCPU reads utime + stime from the text of /proc/<pid>/stat. The
// command name in parentheses may hold spaces and parentheses itself, so the
// fields are counted from the last ')'.
func ParseStatCPU(stat string) (time.Duration, error) {
	end := strings.LastIndexByte(stat, ')')
	if end < 0 {
		return 0, errors.New("/proc stat: no command name")
	}
	// After the name: state (field 3), …, utime (14), stime (15).
	fields := strings.Fields(stat[end+1:])
	const utime, stime = 14 - 3, 15 - 3
	if len(fields) <= stime {
		return 0, fmt.Errorf("/proc stat: %d fields after the command name, want more than %d", len(fields), stime)
	}
	var ticks int64
	for _, i := range []int{utime, stime} {
		v, err := strconv.ParseInt(fields[i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc stat: field %d: %w", i+3, err)
		}
		ticks += v
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
}

// ParseVmRSS reads the VmRSS line ("VmRSS:	  12345 kB") of the text of
// /proc/<pid>/status, in bytes.
func ParseVmRSS(status string) (int64, error) {
	return parseKBLine(status, "VmRSS:")
}

// parseKBLine reads the "<key> <n> kB" line of a /proc file, in bytes. The
// kernel's kB are 1024 bytes.
func parseKBLine(text, key string) (int64, error) {
	for line := range strings.Lines(text) {
		rest, ok := strings.CutPrefix(line, key)
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, fmt.Errorf("/proc: %q is not \"%s <n> kB\"", strings.TrimSpace(line), key)
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc: %s: %w", key, err)
		}
		return kb * 1024, nil
	}
	return 0, fmt.Errorf("/proc: no %s line", key)
}
