package transport

import (
	"testing"
	"time"
)

// BenchmarkSend measures raft messages (one 128-byte entry each) from one store to
// another over a real Raft stream on 127.0.0.1, counted when they reach the receiver.
func BenchmarkSend(b *testing.B) {
	lis := listen(b)
	addrs := map[uint64]string{2: lis.Addr().String()}
	p := startPeerTB(b, lis)
	tr, err := New(Config{Resolver: StaticResolver(addrs), QueueSize: 1 << 16})
	if err != nil {
		b.Fatal(err)
	}
	defer tr.Close()
	tr.SetReporter(newReports())
	m := msg(1, 1, 2, 0)
	m.Message.Entries[0].Data = make([]byte, 128)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for tr.Send(m) != nil {
			time.Sleep(10 * time.Microsecond) // queue full: let the sender drain
		}
	}
	for p.in.count() < b.N {
		time.Sleep(100 * time.Microsecond)
	}
}
