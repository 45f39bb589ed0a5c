//go:build !race

package web

import _ "unsafe" // for go:linkname

// usePerP enables the per-P slots. The race detector cannot see that
// pinning to a P orders two goroutines' uses of a slot, so race builds use
// the sync.Pool alone.
const usePerP = true

// procPin disables preemption and returns the current P's id; procUnpin
// undoes it. The runtime keeps both linkable (sync.Pool uses them too).
//
//go:linkname procPin runtime.procPin
func procPin() int

//go:linkname procUnpin runtime.procUnpin
func procUnpin()
