//go:build race

package web

import (
	"runtime"
	"unsafe"
)

// raceAcquire and raceRelease tell the race detector about the ordering
// that pinning to a P gives a slot's users (see ctxPool).
func raceAcquire(addr unsafe.Pointer) { runtime.RaceAcquire(addr) }

func raceRelease(addr unsafe.Pointer) { runtime.RaceRelease(addr) }
