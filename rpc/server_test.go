package rpc

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"testing"
	"time"
)

func TestShutdownFinishesInFlightCalls(t *testing.T) {
	s, _, addr := startServer(t)
	c := dialT(t, addr)
	const n = 20
	done := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			var ok bool
			err := c.Call(ctxT(t), "Arith.Sleep", 200*time.Millisecond, &ok)
			if err == nil && !ok {
				err = errors.New("reply lost")
			}
			done <- err
		}()
	}
	// Wait until every call is running on the server.
	for deadline := time.Now().Add(5 * time.Second); s.active.Load() < n; {
		if time.Now().After(deadline) {
			t.Fatalf("only %d calls started", s.active.Load())
		}
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	for i := 0; i < n; i++ {
		if err := <-done; err != nil {
			t.Fatalf("in-flight call %d: %v", i, err)
		}
	}
	if _, err := Dial("tcp", addr, WithConnectTimeout(time.Second)); err == nil {
		// The listener is closed, so at most a stray connect may succeed before its first read fails.
		var sum int64
		if c2, _ := Dial("tcp", addr); c2 != nil && c2.Call(ctxT(t), "Arith.Add", Args{}, &sum) == nil {
			t.Fatal("server still serving after Shutdown")
		}
	}
}

func TestShutdownTimeoutCancelsHandlers(t *testing.T) {
	s, a, addr := startServer(t)
	a.started = make(chan struct{}, 1)
	c := dialT(t, addr)
	done := make(chan error, 1)
	go func() {
		var ok bool
		done <- c.Call(ctxT(t), "Arith.Block", 0, &ok)
	}()
	<-a.started
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	shut := make(chan error, 1)
	go func() { shut <- s.Shutdown(ctx) }()
	for !s.closing.Load() {
		time.Sleep(time.Millisecond)
	}
	// A call arriving while Shutdown waits is refused, retryably.
	var sum int64
	if err := c.Call(ctxT(t), "Arith.Add", Args{}, &sum); !errors.Is(err, ErrServerShuttingDown) || !IsTransportError(err) {
		t.Fatalf("call during shutdown: %v", err)
	}
	if err := <-shut; !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown = %v", err)
	}
	select {
	case <-a.observed:
	case <-time.After(5 * time.Second):
		t.Fatal("handler not cancelled by forced shutdown")
	}
	if err := <-done; err == nil {
		t.Fatal("call succeeded although its handler was cancelled")
	}
}

func TestTLS(t *testing.T) {
	cert, pool := selfSigned(t)
	s := NewServer(WithLogger(quietLogger()))
	if err := s.Register(&Arith{}); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.ServeTLS(l, &tls.Config{Certificates: []tls.Certificate{cert}})
	defer s.Close()
	c := dialT(t, l.Addr().String(), WithTLS(&tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}))
	var sum int64
	if err := c.Call(ctxT(t), "Arith.Add", Args{A: 20, B: 22}, &sum); err != nil || sum != 42 {
		t.Fatalf("TLS call: %d %v", sum, err)
	}
	if _, err := Dial("tcp", l.Addr().String(), WithTLS(&tls.Config{ServerName: "127.0.0.1"}), WithConnectTimeout(2*time.Second)); err == nil {
		t.Fatal("untrusted certificate accepted")
	}
}

func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "geerpc-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}
