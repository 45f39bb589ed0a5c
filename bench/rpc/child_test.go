package rpc

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	netrpc "net/rpc"
	"net/rpc/jsonrpc"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/encoding"

	geerpc "github.com/gee-project/gee/rpc"
)

const childEnv = "GEERPC_BENCH_CHILD"

func init() { encoding.RegisterCodec(rawCodec{}) }

// TestMain turns the test binary into a benchmark server when re-executed
// with GEERPC_BENCH_CHILD=<kind>: it prints its address and serves until
// its stdin closes.
func TestMain(m *testing.M) {
	if kind := os.Getenv(childEnv); kind != "" {
		runChild(kind)
		return
	}
	code := m.Run()
	stopChildren()
	os.Exit(code)
}

func runChild(kind string) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	switch kind {
	case "gee":
		s := geerpc.NewServer()
		if err := s.RegisterName("Echo", GeeEcho{}); err != nil {
			log.Fatal(err)
		}
		if err := s.RegisterName("Stream", GeeStream{}); err != nil {
			log.Fatal(err)
		}
		go s.Serve(l)
	case "netrpc-gob", "netrpc-json":
		s := netrpc.NewServer()
		if err := s.Register(Echo{}); err != nil {
			log.Fatal(err)
		}
		go acceptNetRPC(l, s, kind == "netrpc-json")
	case "grpc":
		s := grpc.NewServer()
		s.RegisterService(&echoDesc, struct{}{})
		s.RegisterService(&streamDesc, struct{}{})
		go s.Serve(l)
	default:
		log.Fatalf("unknown child kind %q", kind)
	}
	fmt.Printf("ADDR %s\n", l.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin) // parent closes stdin to stop us
}

func acceptNetRPC(l net.Listener, s *netrpc.Server, json bool) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		if json {
			go s.ServeCodec(jsonrpc.NewServerCodec(c))
		} else {
			go s.ServeConn(c)
		}
	}
}

var echoDesc = grpc.ServiceDesc{
	ServiceName: "bench.Echo",
	HandlerType: (*any)(nil),
	Methods: []grpc.MethodDesc{{MethodName: "Echo", Handler: func(_ any, ctx context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
		in := new(Req)
		if err := dec(in); err != nil {
			return nil, err
		}
		return in, nil
	}}},
}

type child struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	addr  string
}

var (
	childMu  sync.Mutex
	children = map[string]*child{}
)

// serverAddr starts (once) a child process serving kind and returns its address.
func serverAddr(tb testing.TB, kind string) string {
	childMu.Lock()
	defer childMu.Unlock()
	if c := children[kind]; c != nil {
		return c.addr
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+kind)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "ADDR ") {
		tb.Fatalf("child %s: %q %v", kind, line, err)
	}
	c := &child{cmd: cmd, stdin: stdin, addr: strings.TrimSpace(strings.TrimPrefix(line, "ADDR "))}
	children[kind] = c
	return c.addr
}

func stopChildren() {
	childMu.Lock()
	defer childMu.Unlock()
	for kind, c := range children {
		c.stdin.Close()
		_ = c.cmd.Wait()
		delete(children, kind)
	}
}
