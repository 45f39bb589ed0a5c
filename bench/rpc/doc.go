// Package rpc benchmarks GeeRPC against net/rpc (gob and JSON-RPC) and gRPC
// with the server in a child process (the test binary re-executed) and one
// shared client connection. rpcx is not included: its module cannot be
// fetched in this build environment.
package rpc
