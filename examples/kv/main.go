// Command kv talks to a running TinyKV cluster through kv/client: it puts a few keys,
// reads one back and scans them. It starts no server; see cmd/tinykv-server for that.
//
//	go run ./examples/kv -addrs 127.0.0.1:20160,127.0.0.1:20161,127.0.0.1:20162
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/gee-project/gee/kv/client"
)

func main() {
	addrs := flag.String("addrs", "127.0.0.1:20160", "comma-separated `HOST:PORT` list of the cluster's servers")
	timeout := flag.Duration("timeout", 10*time.Second, "give up after this long")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if err := run(ctx, strings.Split(*addrs, ","), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "kv:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, addrs []string, out io.Writer) error {
	c, err := client.New(ctx, addrs)
	if err != nil {
		return err
	}
	defer c.Close()

	for i, lang := range []string{"go", "rust", "zig"} {
		key := fmt.Sprintf("lang/%d", i)
		if err := c.Put(ctx, []byte(key), []byte(lang)); err != nil {
			return fmt.Errorf("put %s: %w", key, err)
		}
		fmt.Fprintf(out, "put %s = %s\n", key, lang)
	}
	v, err := c.Get(ctx, []byte("lang/1"))
	if err != nil {
		return fmt.Errorf("get lang/1: %w", err)
	}
	fmt.Fprintf(out, "get lang/1 = %s\n", v)

	kvs, err := c.Scan(ctx, []byte("lang/"), []byte("lang0"), 10) // '0' follows '/': the end of the prefix
	if err != nil {
		return fmt.Errorf("scan lang/: %w", err)
	}
	for _, kv := range kvs {
		fmt.Fprintf(out, "scan %s = %s\n", kv.Key, kv.Value)
	}
	return nil
}
