//go:build !race

package hostspec_test

// raceEnabled says the suite runs with -race; the plugin is then built with
// -race too.
const raceEnabled = false
