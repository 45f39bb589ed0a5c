package dashboard

import "testing"

func TestReplicasBucketsAt10000Regions(t *testing.T) {
	h := newTestHandler(newFake(5, 10000), -1)
	var rep replicasJSON
	size := getJSON(t, h, "/dashboard/api/replicas", &rep)
	if size > 64<<10 {
		t.Errorf("replicas is %d bytes at 10,000 regions, want under 64 KiB", size)
	}
	if len(rep.Buckets) == 0 || len(rep.Buckets) > MaxBuckets || rep.RegionCount != 10000 || len(rep.Stores) != 5 {
		t.Fatalf("%d buckets, region_count %d, stores %v", len(rep.Buckets), rep.RegionCount, rep.Stores)
	}
	regions := 0
	replicas := make([]int, 5)
	leaders := make([]int, 5)
	for i, b := range rep.Buckets {
		regions += b.Regions
		if b.Regions > rep.BucketSize {
			t.Errorf("bucket %d holds %d regions, over bucket_size %d", i, b.Regions, rep.BucketSize)
		}
		if i > 0 && rep.Buckets[i-1].EndKey != b.StartKey {
			t.Errorf("bucket %d starts at %q, previous ends at %q: ranges must be consecutive", i, b.StartKey, rep.Buckets[i-1].EndKey)
		}
		for c := range rep.Stores {
			replicas[c] += b.Replicas[c]
			leaders[c] += b.Leaders[c]
		}
	}
	if regions != 10000 {
		t.Errorf("buckets hold %d regions, want 10000", regions)
	}
	if first, last := rep.Buckets[0], rep.Buckets[len(rep.Buckets)-1]; first.StartKey != "" || last.EndKey != "" {
		t.Errorf("buckets span %q..%q, want the whole key space", first.StartKey, last.EndKey)
	}
	for c, id := range rep.Stores {
		if replicas[c] != 6000 || leaders[c] != 2000 {
			t.Errorf("store %d: %d replicas, %d leaders over buckets; want 6000, 2000", id, replicas[c], leaders[c])
		}
	}
}

func TestReplicasSmallAndEmptyClusters(t *testing.T) {
	var rep replicasJSON
	getJSON(t, newTestHandler(newFake(3, 0), -1), "/dashboard/api/replicas", &rep)
	if len(rep.Buckets) != 0 || rep.RegionCount != 0 || len(rep.Stores) != 3 {
		t.Errorf("no regions: %+v", rep)
	}
	getJSON(t, newTestHandler(newFake(3, 7), -1), "/dashboard/api/replicas", &rep)
	if len(rep.Buckets) != 7 || rep.BucketSize != 1 {
		t.Errorf("7 regions: %d buckets of %d, want one region each", len(rep.Buckets), rep.BucketSize)
	}
	f := newFake(3, 4)
	f.regions[2].Peers = append(f.regions[2].Peers, Peer{ID: 9, StoreID: 42}) // a store the Source does not list
	getJSON(t, newTestHandler(f, -1), "/dashboard/api/replicas", &rep)
	if len(rep.Stores) != 4 || rep.Stores[3] != 42 || rep.Buckets[2].Replicas[3] != 1 {
		t.Errorf("unlisted store 42: stores %v, bucket 2 %v", rep.Stores, rep.Buckets[2].Replicas)
	}
}
