package rpc

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	geerpc "github.com/gee-project/gee/rpc"
)

// kib is the streamed message's payload: 1 KiB.
var kib = strings.Repeat("s", 1024)

// GeeStream is the GeeRPC streaming service.
type GeeStream struct{}

// Down receives {A: n} and sends n 1 KiB messages (server streaming).
func (GeeStream) Down(ctx context.Context, st *geerpc.Stream) error {
	var req Req
	if err := st.Recv(&req); err != nil {
		return err
	}
	msg := &Req{S: kib}
	for i := int64(0); i < req.A; i++ {
		msg.A = i
		if err := st.Send(msg); err != nil {
			return err
		}
	}
	return nil
}

// Up counts the messages it receives and sends the count (client streaming).
func (GeeStream) Up(ctx context.Context, st *geerpc.Stream) error {
	var n int64
	for {
		var req Req
		err := st.Recv(&req)
		if err == io.EOF {
			return st.Send(&Req{A: n})
		}
		if err != nil {
			return err
		}
		n++
	}
}

var streamDesc = grpc.ServiceDesc{
	ServiceName: "bench.Stream",
	HandlerType: (*any)(nil),
	Streams: []grpc.StreamDesc{
		{StreamName: "Down", ServerStreams: true, Handler: func(_ any, ss grpc.ServerStream) error {
			req := new(Req)
			if err := ss.RecvMsg(req); err != nil {
				return err
			}
			msg := &Req{S: kib}
			for i := int64(0); i < req.A; i++ {
				msg.A = i
				if err := ss.SendMsg(msg); err != nil {
					return err
				}
			}
			return nil
		}},
		{StreamName: "Up", ClientStreams: true, Handler: func(_ any, ss grpc.ServerStream) error {
			var n int64
			for {
				err := ss.RecvMsg(new(Req))
				if err == io.EOF {
					return ss.SendMsg(&Req{A: n})
				}
				if err != nil {
					return err
				}
				n++
			}
		}},
	},
}

// streamer runs one stream: down (the server sends n messages) or up (the
// client sends n), returning how many messages arrived.
type streamer struct {
	name string
	dial func(tb testing.TB) (down, up func(ctx context.Context, n int64) (int64, error), close func())
}

var geeStreamer = streamer{"gee", func(tb testing.TB) (func(context.Context, int64) (int64, error), func(context.Context, int64) (int64, error), func()) {
	c, err := geerpc.Dial("tcp", serverAddr(tb, "gee"))
	if err != nil {
		tb.Fatal(err)
	}
	down := func(ctx context.Context, n int64) (int64, error) {
		st, err := c.NewStream(ctx, "Stream.Down")
		if err != nil {
			return 0, err
		}
		if err := st.Send(&Req{A: n}); err != nil {
			return 0, err
		}
		st.CloseSend()
		var got int64
		var msg Req
		for {
			if err := st.Recv(&msg); err == io.EOF {
				return got, nil
			} else if err != nil {
				return got, err
			}
			got++
		}
	}
	up := func(ctx context.Context, n int64) (int64, error) {
		st, err := c.NewStream(ctx, "Stream.Up")
		if err != nil {
			return 0, err
		}
		msg := &Req{S: kib}
		for i := int64(0); i < n; i++ {
			if err := st.Send(msg); err != nil {
				return 0, err
			}
		}
		st.CloseSend()
		var res Req
		err = st.Recv(&res)
		return res.A, err
	}
	return down, up, func() { c.Close() }
}}

var grpcStreamer = streamer{"grpc", func(tb testing.TB) (func(context.Context, int64) (int64, error), func(context.Context, int64) (int64, error), func()) {
	conn, err := grpc.NewClient("passthrough:///"+serverAddr(tb, "grpc"),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.CallContentSubtype("geebench")))
	if err != nil {
		tb.Fatal(err)
	}
	down := func(ctx context.Context, n int64) (int64, error) {
		cs, err := conn.NewStream(ctx, &streamDesc.Streams[0], "/bench.Stream/Down")
		if err != nil {
			return 0, err
		}
		if err := cs.SendMsg(&Req{A: n}); err != nil {
			return 0, err
		}
		cs.CloseSend()
		var got int64
		var msg Req
		for {
			if err := cs.RecvMsg(&msg); err == io.EOF {
				return got, nil
			} else if err != nil {
				return got, err
			}
			got++
		}
	}
	up := func(ctx context.Context, n int64) (int64, error) {
		cs, err := conn.NewStream(ctx, &streamDesc.Streams[1], "/bench.Stream/Up")
		if err != nil {
			return 0, err
		}
		msg := &Req{S: kib}
		for i := int64(0); i < n; i++ {
			if err := cs.SendMsg(msg); err != nil {
				return 0, err
			}
		}
		cs.CloseSend()
		var res Req
		err = cs.RecvMsg(&res)
		return res.A, err
	}
	return down, up, func() { conn.Close() }
}}

var streamers = []streamer{geeStreamer, grpcStreamer}

func TestEveryImplStreams(t *testing.T) {
	for _, s := range streamers {
		t.Run(s.name, func(t *testing.T) {
			down, up, closeFn := s.dial(t)
			defer closeFn()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			for _, f := range []func(context.Context, int64) (int64, error){down, up} {
				if got, err := f(ctx, 3000); err != nil || got != 3000 {
					t.Fatalf("%d of 3000 messages: %v", got, err)
				}
			}
		})
	}
}

// BenchmarkStream/<down|up>/<impl>: b.N 1 KiB messages over one stream;
// msgs/s is the figure of merit.
func BenchmarkStream(b *testing.B) {
	for _, dir := range []string{"down", "up"} {
		for _, s := range streamers {
			b.Run(dir+"/"+s.name, func(b *testing.B) {
				down, up, closeFn := s.dial(b)
				defer closeFn()
				f := down
				if dir == "up" {
					f = up
				}
				if _, err := f(context.Background(), 100); err != nil { // warm the connection
					b.Fatal(err)
				}
				b.SetBytes(int64(len(kib)))
				b.ReportAllocs()
				b.ResetTimer()
				start := time.Now()
				got, err := f(context.Background(), int64(b.N))
				elapsed := time.Since(start)
				if err == nil && got != int64(b.N) {
					err = errors.New("messages lost")
				}
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
			})
		}
	}
}
