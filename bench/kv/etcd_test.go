package kv

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// startEtcd builds etcdmember and starts a 3-member cluster on free
// loopback ports with data under dir.
func startEtcd(tb testing.TB, dir string) *cluster {
	tb.Helper()
	bin := buildBinary(tb, ".", "./etcdmember")
	ports := freePorts(tb, 6)
	var peers, clients []string
	for i := 0; i < 3; i++ {
		peers = append(peers, fmt.Sprintf("m%d=http://127.0.0.1:%d", i+1, ports[2*i+1]))
		clients = append(clients, fmt.Sprintf("127.0.0.1:%d", ports[2*i]))
	}
	c := &cluster{}
	type started struct {
		p   *proc
		err error
	}
	ch := make(chan started, 3)
	for i := 0; i < 3; i++ {
		// The members wait for each other, so they start concurrently.
		go func() {
			name := fmt.Sprintf("m%d", i+1)
			args := []string{"-name", name, "-dir", filepath.Join(dir, name),
				"-client", clients[i], "-peer", fmt.Sprintf("127.0.0.1:%d", ports[2*i+1]),
				"-cluster", strings.Join(peers, ",")}
			p, err := tryStartProc("etcd "+name, bin, args, filepath.Join(dir, name+".log"),
				"READY", 90*time.Second)
			ch <- started{p, err}
		}()
	}
	var failure error
	for i := 0; i < 3; i++ {
		s := <-ch
		if s.err != nil {
			failure = s.err
		} else {
			c.procs = append(c.procs, s.p)
		}
	}
	stopAll := func() {
		for _, p := range c.procs {
			p.stop()
		}
	}
	if failure != nil {
		stopAll()
		tb.Fatal(failure)
	}
	cli, err := clientv3.New(clientv3.Config{Endpoints: clients, DialTimeout: 10 * time.Second,
		Logger: zap.NewNop()})
	if err != nil {
		stopAll()
		tb.Fatal(err)
	}
	c.store = etcdStore{cli}
	c.txn = etcdTxn{cli}
	c.close = func() {
		cli.Close()
		stopAll()
	}
	return c
}

// etcdStore adapts clientv3 (gets are linearizable by default).
type etcdStore struct{ cli *clientv3.Client }

func (s etcdStore) Put(ctx context.Context, key, value []byte) error {
	_, err := s.cli.Put(ctx, string(key), string(value))
	return err
}

func (s etcdStore) Get(ctx context.Context, key []byte) ([]byte, bool, error) {
	resp, err := s.cli.Get(ctx, string(key))
	if err != nil || len(resp.Kvs) == 0 {
		return nil, false, err
	}
	return resp.Kvs[0].Value, true, nil
}
