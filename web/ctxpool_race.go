//go:build race

package web

// usePerP: see ctxpool_pin.go.
const usePerP = false

func procPin() int { return 0 }

func procUnpin() {}
