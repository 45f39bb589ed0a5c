//go:build !race

package web

import "unsafe"

// raceAcquire and raceRelease are empty without the race detector.
func raceAcquire(unsafe.Pointer) {}

func raceRelease(unsafe.Pointer) {}
