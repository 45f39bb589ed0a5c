package schedclient_test

import (
	"testing"
	"time"

	"github.com/gee-project/gee/kv/schedclient"
)

// GC safe point calls retry across a scheduler restart like the other unary calls, and the value
// raised before the restart is what a later lower update answers.
func TestGCSafePointAcrossRestart(t *testing.T) {
	n := newNode(t)
	c, err := schedclient.New(testCtx(t, 10*time.Second), []string{n.addr}, fast(), patient())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	bootstrap(t, c)
	ctx := testCtx(t, 30*time.Second)
	ts, err := c.GetTS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sp, err := c.UpdateGCSafePoint(ctx, ts); err != nil || sp != ts {
		t.Fatalf("UpdateGCSafePoint(%d) = %d, %v", ts, sp, err)
	}
	n.stop()
	go func() {
		time.Sleep(300 * time.Millisecond)
		n.start()
	}()
	// Issued while the scheduler is down: retried until it is back.
	if sp, err := c.UpdateGCSafePoint(ctx, ts-1); err != nil || sp != ts {
		t.Fatalf("lower update across restart = %d, %v; want %d", sp, err, ts)
	}
	if sp, err := c.GetGCSafePoint(ctx); err != nil || sp != ts {
		t.Fatalf("GetGCSafePoint = %d, %v; want %d", sp, err, ts)
	}
}
