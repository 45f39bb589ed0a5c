//go:build long

package schedlink_test

import (
	"os"
	"testing"
	"time"
)

// txnLongDuration is how long each long transaction test runs its workload: $TXN_LONG (a Go
// duration), default 3m.
func txnLongDuration(t *testing.T) time.Duration {
	d := 3 * time.Minute
	if s := os.Getenv("TXN_LONG"); s != "" {
		v, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("TXN_LONG=%q: %v", s, err)
		}
		d = v
	}
	t.Logf("workload runs %v (TXN_LONG)", d)
	return d
}

// TestLongTxnBank is TestTxnBankUnderFaults on 5 stores with 16 transfer clients and 4
// summing clients for $TXN_LONG.
func TestLongTxnBank(t *testing.T) {
	runBankTest(t, 5, txnSeed(t, 11), 16, 4, txnLongDuration(t))
}

// TestLongTxnLostUpdates is TestTxnLostUpdatesUnderFaults on 5 stores with 16 clients.
func TestLongTxnLostUpdates(t *testing.T) {
	runLostUpdateTest(t, 5, txnSeed(t, 12), 16, txnLongDuration(t))
}

// TestLongTxnAnomalies is TestTxnAnomaliesUnderFaults on 5 stores with 16 multi-key
// clients and 4 transfer clients.
func TestLongTxnAnomalies(t *testing.T) {
	runAnomalyTest(t, 5, txnSeed(t, 13), 16, 4, txnLongDuration(t))
}
