//go:build race

package web

// raceEnabled: sync.Pool drops items at random under -race, so allocation counts are meaningless.
const raceEnabled = true
