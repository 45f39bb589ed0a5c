// Package etcd runs the raftcmp driver over go.etcd.io/raft/v3; see package raftcmp.
package etcd
