package rpc

import (
	"context"
	"strings"
	"testing"
)

// BenchmarkCall measures one shared connection under parallel callers,
// client and server in this process (bench/rpc has the cross-process,
// side-by-side version).
func BenchmarkCall(b *testing.B) {
	for _, codecName := range []string{"binary", "json", "gob"} {
		b.Run(codecName, func(b *testing.B) {
			s := NewServer(WithLogger(quietLogger()))
			if err := s.Register(&Arith{}); err != nil {
				b.Fatal(err)
			}
			_, _, addr := startServerB(b, s)
			c, err := Dial("tcp", addr, WithCodec(codecName))
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			in := Args{A: 1, B: 2, S: strings.Repeat("x", 512)}
			b.SetParallelism(32)
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				var out Args
				for pb.Next() {
					if err := c.Call(context.Background(), "Arith.Echo", &in, &out); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkCallSerial is one caller at a time: the latency of a round
// trip, with the server's timeouts at their defaults and off.
func BenchmarkCallSerial(b *testing.B) {
	b.Run("timeouts", func(b *testing.B) { benchSerial(b) })
	b.Run("no-timeouts", func(b *testing.B) {
		benchSerial(b, WithIdleTimeout(0), WithFrameTimeout(0), WithWriteTimeout(0))
	})
}

func benchSerial(b *testing.B, opts ...ServerOption) {
	s := NewServer(append(opts, WithLogger(quietLogger()))...)
	if err := s.Register(&Arith{}); err != nil {
		b.Fatal(err)
	}
	_, _, addr := startServerB(b, s)
	c, err := Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	in := Args{A: 1, B: 2, S: strings.Repeat("x", 512)}
	var out Args
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := c.Call(context.Background(), "Arith.Echo", &in, &out); err != nil {
			b.Fatal(err)
		}
	}
}
