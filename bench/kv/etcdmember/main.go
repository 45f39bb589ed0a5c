// Command etcdmember runs one member of an etcd cluster (go.etcd.io/etcd
// embed) for the kv benchmark: fsync on, default snapshot settings, logs at
// error level. It prints "READY" once the member serves clients and runs
// until its standard input closes or it gets SIGINT/SIGTERM.
//
//	etcdmember -name m1 -dir /tmp/m1 -client 127.0.0.1:2379 -peer 127.0.0.1:2380 \
//	    -cluster m1=http://127.0.0.1:2380,m2=http://127.0.0.1:2382,m3=http://127.0.0.1:2384
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "etcdmember:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("etcdmember", flag.ContinueOnError)
	name := fs.String("name", "", "member name (required)")
	dir := fs.String("dir", "", "data directory (required)")
	client := fs.String("client", "", "host:port to serve clients on (required)")
	peer := fs.String("peer", "", "host:port to serve peers on (required)")
	cluster := fs.String("cluster", "", "initial cluster, name=http://host:port,... (required)")
	ready := fs.Duration("ready-timeout", 60*time.Second, "how long to wait for the member to join")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for flagName, v := range map[string]string{"name": *name, "dir": *dir, "client": *client,
		"peer": *peer, "cluster": *cluster} {
		if v == "" {
			return fmt.Errorf("-%s is required", flagName)
		}
	}
	cfg, err := config(*name, *dir, *client, *peer, *cluster)
	if err != nil {
		return err
	}
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	select {
	case <-e.Server.ReadyNotify():
	case err := <-e.Err():
		return err
	case <-time.After(*ready):
		return fmt.Errorf("member %s not ready after %v", *name, *ready)
	}
	fmt.Println("READY")
	return waitForStop(e)
}

func config(name, dir, client, peer, cluster string) (*embed.Config, error) {
	cu, err := url.Parse("http://" + client)
	if err != nil {
		return nil, fmt.Errorf("-client: %w", err)
	}
	pu, err := url.Parse("http://" + peer)
	if err != nil {
		return nil, fmt.Errorf("-peer: %w", err)
	}
	cfg := embed.NewConfig()
	cfg.Name = name
	cfg.Dir = dir
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{*cu}, []url.URL{*cu}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{*pu}, []url.URL{*pu}
	cfg.InitialCluster = cluster
	cfg.InitialClusterToken = "gee-kv-bench"
	cfg.ClusterState = embed.ClusterStateFlagNew
	cfg.LogLevel = "error"
	cfg.LogOutputs = []string{"stderr"}
	return cfg, cfg.Validate()
}

// waitForStop blocks until stdin closes, a signal arrives or the member fails.
func waitForStop(e *embed.Etcd) error {
	stdin := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		close(stdin)
	}()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	select {
	case <-stdin:
	case <-sig:
	case err := <-e.Err():
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
	}
	return nil
}
