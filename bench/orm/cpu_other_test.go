//go:build !unix

package ormbench

import "testing"

// loop runs f b.N times (no CPU-time metric on this platform).
func loop(b *testing.B, f func(i int) error) {
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := f(i); err != nil {
			b.Fatal(err)
		}
	}
}
