//go:build !go1.27 && !gee_nopin

package web

import _ "unsafe" // for go:linkname

// usePerP enables the Context pool's per-P slots.
//
// procPin pins the goroutine to its P (no preemption) and returns the P's
// id; procUnpin undoes it. They are runtime internals that sync.Pool uses
// and the runtime keeps linkable, but nothing promises them: this file is
// built only for Go versions it was measured and tested with (go.mod's
// 1.26), and with the tag gee_nopin it can be left out. Otherwise
// procpin_fallback.go gives the plain sync.Pool, which costs a static
// route ~10 ns more (see ctxPool).
const usePerP = true

//go:linkname procPin runtime.procPin
func procPin() int

//go:linkname procUnpin runtime.procUnpin
func procUnpin()
