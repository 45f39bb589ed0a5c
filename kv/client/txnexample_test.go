package client_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gee-project/gee/kv/client"
)

// A transfer in a transaction, retried when another transaction conflicts.
func ExampleClient_Begin() {
	schedAddr, stop, err := demoCluster()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.NewWithScheduler(ctx, []string{schedAddr})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()

	for try := 0; try < 10; try++ {
		txn, err := c.Begin(ctx)
		if err != nil {
			fmt.Println(err)
			return
		}
		if _, err := txn.Get(ctx, []byte("alice")); !errors.Is(err, client.ErrNotFound) {
			fmt.Println("unexpected:", err)
			return
		}
		_ = txn.Set([]byte("alice"), []byte("90"))
		_ = txn.Set([]byte("bob"), []byte("10"))
		err = txn.Commit(ctx)
		if client.IsRetryable(err) {
			continue // a conflict: start over with a new snapshot
		}
		if err != nil {
			fmt.Println(err) // an *UndeterminedError: it may have committed
			return
		}
		break
	}
	txn, _ := c.Begin(ctx)
	kvs, err := txn.Scan(ctx, nil, nil, 10)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range kvs {
		fmt.Printf("%s=%s\n", p.Key, p.Value)
	}
	// Output:
	// alice=90
	// bob=10
}
