// Package cache compares GeeCache with golang/groupcache, ristretto, otter
// and hashicorp's LRU/ARC: hit ratio on reproducible traces, warm
// concurrent reads, remote-get throughput, and wire interoperability.
package cache
