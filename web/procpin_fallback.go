//go:build go1.27 || gee_nopin

package web

// usePerP is off: without procPin the Context pool is the sync.Pool
// alone (see procpin_linkname.go).
const usePerP = false

func procPin() int { return 0 }

func procUnpin() {}
