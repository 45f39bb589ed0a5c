// Package gee runs the raftcmp driver over TinyKV's kv/raft; see package raftcmp.
package gee
