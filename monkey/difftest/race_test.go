//go:build race

package difftest

// raceEnabled skips tests that only move many bytes: the race detector
// checks every byte copied, which makes them take tens of seconds.
const raceEnabled = true
