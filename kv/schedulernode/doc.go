// Package schedulernode is the tinykv-scheduler program as a library: Run parses a command line
// and serves the scheduler (bootstrap, ids, timestamps, the region and store cache, scheduling
// policies) over gRPC, and the live dashboard over HTTP when -http is set, until its context
// ends. The tinykv-scheduler binary and the tinykv playground both run it.
package schedulernode
