// Package core is the scheduler's in-memory view of a TinyKV cluster: the stores, the regions
// indexed by id and by key range, and per-store region and leader counts kept incrementally.
//
// Cluster.HandleRegion applies the epoch rules that let region heartbeats arrive late, twice, or
// out of order (a split's halves in either order) without the cache ever going backwards:
//
//   - a heartbeat whose version or conf_ver is lower than the cached region's is rejected (ErrStaleEpoch);
//   - an equal epoch changes nothing unless the leader, peers, pending or down peers, size, range or
//     term changed, and is rejected if it comes from an older leader term than the cached report;
//   - a region overlapping others in the range index replaces them only if its version is newer
//     than every one of theirs (ErrStaleRegion otherwise), so a stale split report cannot overwrite;
//   - a key range whose region was replaced by a newer one stays unresolved until its own region reports.
//
// Everything here is goroutine-safe. RegionInfo is immutable; StoreInfo values are snapshots.
package core
