package client_test

import (
	"context"
	"fmt"
	"time"

	"github.com/gee-project/gee/kv/client"
)

// A transaction in five lines (the README's): two keys written atomically.
func ExampleTxn_Commit() {
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

	txn, _ := c.Begin(ctx)                     // start_ts from the scheduler's TSO
	_ = txn.Set([]byte("alice"), []byte("90")) // buffered until Commit
	_ = txn.Set([]byte("bob"), []byte("10"))
	err = txn.Commit(ctx) // 2PC, or 1PC in one region; on client.IsRetryable(err), start over
	fmt.Println(err, txn.CommitTS() > txn.StartTS())
	// Output: <nil> true
}
