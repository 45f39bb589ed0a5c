package xclient

import (
	"time"

	"github.com/gee-project/gee/rpc"
)

// FailMode says what Call does when an attempt fails with a transport error
// (dial failure, lost connection, per-try timeout, open breaker). Errors
// returned by the remote method itself are never retried.
type FailMode int

// Fail modes.
const (
	FailFast FailMode = iota // return the first error
	Failover                 // try another server, up to Retries more times
	Retry                    // retry the same server with exponential backoff
)

// Option configures an XClient.
type Option func(*XClient)

// WithSelector sets the load-balancing selector (default RoundRobin).
func WithSelector(s Selector) Option { return func(x *XClient) { x.selector = s } }

// WithFailMode sets the fail mode and how many extra attempts it may make.
func WithFailMode(m FailMode, retries int) Option {
	return func(x *XClient) { x.failMode, x.retries = m, retries }
}

// WithBackoff sets the first Retry backoff (doubled per attempt, default 10ms).
func WithBackoff(d time.Duration) Option { return func(x *XClient) { x.backoff = d } }

// WithPerTryTimeout bounds each attempt, so a slow server counts as failed
// and Failover/Retry can move on.
func WithPerTryTimeout(d time.Duration) Option { return func(x *XClient) { x.perTry = d } }

// WithHedge sends a backup request to a second server when the first has
// not answered within delay; the first success wins.
func WithHedge(delay time.Duration) Option { return func(x *XClient) { x.hedge = delay } }

// WithBreaker opens a server's circuit after threshold consecutive
// transport failures, for cooldown. threshold 0 disables breakers.
func WithBreaker(threshold int, cooldown time.Duration) Option {
	return func(x *XClient) { x.brThreshold, x.brCooldown = threshold, cooldown }
}

// WithDialOptions passes options to every rpc.Dial.
func WithDialOptions(opts ...rpc.DialOption) Option {
	return func(x *XClient) { x.dialOpts = append(x.dialOpts, opts...) }
}
