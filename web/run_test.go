package web

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestNewServerTimeouts(t *testing.T) {
	srv := NewServer(New())
	if srv.ReadHeaderTimeout != DefaultReadHeaderTimeout || srv.ReadTimeout != DefaultReadTimeout ||
		srv.WriteTimeout != DefaultWriteTimeout || srv.IdleTimeout != DefaultIdleTimeout {
		t.Fatalf("timeouts %v %v %v %v", srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout)
	}
	for _, d := range []time.Duration{srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout} {
		if d <= 0 || d > time.Minute {
			t.Fatalf("timeout %v is not a bound", d)
		}
	}
}

// serveFor starts srv on 127.0.0.1 and stops it when the test ends.
func serveFor(t *testing.T, srv *http.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ServeServer(ctx, srv, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ServeServer: %v", err)
		}
	})
	return ln.Addr().String()
}

// A streaming handler outlives WriteTimeout by lifting its own deadline
// through the Context's writer; one that does not is cut off.
func TestStreamingLiftsWriteTimeout(t *testing.T) {
	e := New()
	e.Use(Logger(&LoggerConfig{Logger: discardLogger()}))
	stream := func(lift bool) HandlerFunc {
		return func(c *Context) {
			if lift {
				if err := http.NewResponseController(c.Writer).SetWriteDeadline(time.Time{}); err != nil {
					t.Errorf("SetWriteDeadline: %v", err)
				}
			}
			for i := 0; i < 6; i++ {
				c.SSEvent("tick", i)
				c.Writer.Flush()
				time.Sleep(50 * time.Millisecond)
			}
		}
	}
	e.GET("/lifted", stream(true))
	e.GET("/bounded", stream(false))
	srv := NewServer(e)
	srv.WriteTimeout = 120 * time.Millisecond
	addr := serveFor(t, srv)
	cl := &http.Client{Timeout: 5 * time.Second}
	get := func(path string) (string, error) {
		r, err := cl.Get("http://" + addr + path)
		if err != nil {
			return "", err
		}
		defer r.Body.Close()
		b, err := io.ReadAll(r.Body)
		return string(b), err
	}
	body, err := get("/lifted")
	if err != nil || strings.Count(body, "event: tick") != 6 {
		t.Fatalf("lifted stream: %v, %q", err, body)
	}
	body, err = get("/bounded")
	if err == nil && strings.Count(body, "event: tick") == 6 {
		t.Fatalf("stream outlived WriteTimeout without lifting it: %q", body)
	}
}

// A body trickled slower than ReadTimeout allows is cut off.
func TestTrickledBodyCutByReadTimeout(t *testing.T) {
	e := New()
	e.POST("/up", func(c *Context) {
		_, err := c.GetRawData()
		if err != nil {
			c.String(http.StatusBadRequest, "cut")
			return
		}
		c.String(http.StatusOK, "read")
	})
	srv := NewServer(e)
	srv.ReadTimeout = 150 * time.Millisecond
	addr := serveFor(t, srv)
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = io.WriteString(conn, "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
	start := time.Now()
	for i := 0; i < 20; i++ { // at most 2 s of trickling
		if _, err := conn.Write([]byte("a")); err != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err == nil && resp.StatusCode == http.StatusOK {
		t.Fatalf("trickled body read whole after %v", time.Since(start))
	}
}

func TestH2C(t *testing.T) {
	e := New()
	e.UseH2C = true
	e.GET("/proto", func(c *Context) { c.String(http.StatusOK, "%s", c.Request.Proto) })
	addr := serveFor(t, NewServer(e))
	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	defer tr.CloseIdleConnections()
	r, err := (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Get("http://" + addr + "/proto")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	if string(b) != "HTTP/2.0" {
		t.Fatalf("proto %q", b)
	}
}

func TestServeTLSSpeaksHTTP2(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	e := New()
	e.GET("/proto", func(c *Context) { c.String(http.StatusOK, "%s", c.Request.Proto) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ServeTLS(ctx, ln, certFile, keyFile, e) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ServeTLS: %v", err)
		}
	}()
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	r, err := (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Get("https://" + ln.Addr().String() + "/proto")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	if string(b) != "HTTP/2.0" {
		t.Fatalf("proto %q", b)
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key to files.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "gee test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:    x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
