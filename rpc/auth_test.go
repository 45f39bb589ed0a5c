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

// testCA issues certificates for the mTLS test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

func newCA(t *testing.T) *testCA {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &testCA{cert, key, pool}
}

func (ca *testCA) issue(t *testing.T, cn string, usage x509.ExtKeyUsage) tls.Certificate {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{usage}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// allowCN is an authorisation interceptor for mutual TLS: only clients
// whose verified certificate names one of cns may call.
func allowCN(cns ...string) ServerInterceptor {
	return func(ctx context.Context, method string, args, reply any, next Handler) error {
		st, ok := ClientTLS(ctx)
		if !ok {
			return errors.New("unauthenticated: no client certificate")
		}
		for _, cn := range cns {
			if st.PeerCertificates[0].Subject.CommonName == cn {
				return next(ctx, method, args, reply)
			}
		}
		return errors.New("permission denied for " + st.PeerCertificates[0].Subject.CommonName)
	}
}

func TestMutualTLS(t *testing.T) {
	ca := newCA(t)
	s := NewServer(WithLogger(quietLogger()), WithServerInterceptors(allowCN("alice")))
	if err := s.Register(&Arith{}); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.ServeTLS(l, &tls.Config{Certificates: []tls.Certificate{ca.issue(t, "server", x509.ExtKeyUsageServerAuth)},
		ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: ca.pool})
	defer s.Close()
	addr := l.Addr().String()
	clientCfg := func(certs ...tls.Certificate) *tls.Config {
		return &tls.Config{RootCAs: ca.pool, ServerName: "127.0.0.1", Certificates: certs}
	}
	var sum int64

	alice := dialT(t, addr, WithTLS(clientCfg(ca.issue(t, "alice", x509.ExtKeyUsageClientAuth))))
	if err := alice.Call(ctxT(t), "Arith.Add", Args{A: 1, B: 2}, &sum); err != nil || sum != 3 {
		t.Fatalf("alice: %v", err)
	}

	bob := dialT(t, addr, WithTLS(clientCfg(ca.issue(t, "bob", x509.ExtKeyUsageClientAuth))))
	var se ServerError
	if err := bob.Call(ctxT(t), "Arith.Add", Args{}, &sum); !errors.As(err, &se) || err.Error() != "permission denied for bob" {
		t.Fatalf("bob, verified but not allowed: %v", err)
	}

	// Without a certificate, or with one from another CA, the handshake fails.
	other := newCA(t).issue(t, "alice", x509.ExtKeyUsageClientAuth)
	for name, cfg := range map[string]*tls.Config{"no certificate": clientCfg(), "untrusted CA": clientCfg(other)} {
		c, err := Dial("tcp", addr, WithTLS(cfg), WithConnectTimeout(2*time.Second))
		if err == nil { // TLS 1.3 reports the server's refusal on first use
			err = c.Call(ctxT(t), "Arith.Add", Args{}, &sum)
			c.Close()
		}
		if err == nil || !IsTransportError(err) {
			t.Fatalf("%s: want a transport failure, got %v", name, err)
		}
	}
}
