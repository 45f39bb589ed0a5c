// Package mvcc stores Percolator's multi-version data in the three column families of
// kv/engine: locks in CFLock keyed by the user key, values in CFDefault at
// EncodeKey(key, start_ts), and write records in CFWrite at EncodeKey(key, commit_ts).
//
// The user key is escaped so that any bytes work and order is kept: every 0x00 becomes
// 0x00 0xFF and the key ends with 0x00 0x01. The escaped key is followed by the bitwise
// inverse of the timestamp, big-endian, so the versions of one key sort newest first.
//
// The escape (rather than TiKV's 8-byte groups) keeps an encoded key on the same side as
// its user key of any region boundary that holds no 0x00 byte, so a raftstore that bounds
// regions by user keys routes and clips encoded keys correctly.
package mvcc
