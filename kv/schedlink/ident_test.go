package schedlink_test

import (
	"strings"
	"testing"
	"time"
)

// A fresh data directory started with the id of a store the scheduler knows is refused (it
// would take over that store's address, and its empty peers would have forgotten their
// votes); the store's own directory starts again.
func TestFreshDirectoryCannotTakeKnownStoreID(t *testing.T) {
	c := newTestCluster(t, startScheduler(t, time.Minute, nil))
	c.start(1)
	c.start(2)
	dir3 := t.TempDir()
	if _, err := c.startIn(3, dir3); err != nil {
		t.Fatal(err)
	}
	c.replicated("", 3, 10*time.Second)
	c.stop(3)

	_, err := c.startIn(3, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "store 3 is already registered") {
		t.Fatalf("fresh directory as store 3: err = %v, want a refusal naming store 3", err)
	}
	if _, err := c.startIn(3, dir3); err != nil {
		t.Fatalf("store 3 on its own directory: %v", err)
	}
	c.replicated("", 3, 10*time.Second)
}
