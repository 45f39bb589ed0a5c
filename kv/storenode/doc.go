// Package storenode is the tinykv-server program as a library: Run parses a command line and
// serves one TinyKV store (the raw and transactional gRPC APIs over a raftstore linked to the
// scheduler, a static -peers cluster, or a -standalone engine) until its context ends. The
// tinykv-server binary and the tinykv playground (which starts stores as child processes of
// itself) both run it.
package storenode
