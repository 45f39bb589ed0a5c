// Package bench holds the side-by-side benchmarks of Gee's systems against peer
// libraries. It is its own module so that the peers never enter the root
// go.mod. Run `go run ./cmd/compare` to run them and print ratios to Gee.
package bench
