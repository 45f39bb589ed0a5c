package server

import (
	"context"
	"testing"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/storage"
)

// routingStorage records the contexts reads arrive with and routes keys from "m" on to
// region 2, the rest to region 1.
type routingStorage struct {
	storage.Storage
	seen []*kvrpcpb.Context
}

func (r *routingStorage) RegionForKey(key []byte) (uint64, bool) {
	if string(key) >= "m" {
		return 2, true
	}
	return 1, true
}

func (r *routingStorage) Reader(ctx context.Context, kvctx *kvrpcpb.Context) (storage.Reader, error) {
	r.seen = append(r.seen, kvctx)
	return nil, &storage.RegionError{}
}

func TestReadsWithoutRegionAreRoutedByKey(t *testing.T) {
	st := &routingStorage{}
	s := New(st, nil, Limits{}, nil)
	ctx := context.Background()
	_, _ = s.RawGet(ctx, &kvrpcpb.RawGetRequest{Key: []byte("z")})
	_, _ = s.RawScan(ctx, &kvrpcpb.RawScanRequest{StartKey: []byte("a"), Limit: 1})
	_, _ = s.RawBatchGet(ctx, &kvrpcpb.RawBatchGetRequest{Keys: [][]byte{[]byte("q")}})
	named := &kvrpcpb.Context{RegionId: 7, StaleRead: true}
	_, _ = s.RawGet(ctx, &kvrpcpb.RawGetRequest{Key: []byte("z"), Context: named})
	_, _ = s.RawGet(ctx, &kvrpcpb.RawGetRequest{Key: []byte("b"), Context: &kvrpcpb.Context{StaleRead: true}})
	want := []uint64{2, 1, 2, 7, 1}
	if len(st.seen) != len(want) {
		t.Fatalf("%d reads reached the storage, want %d", len(st.seen), len(want))
	}
	for i, w := range want {
		if got := st.seen[i].GetRegionId(); got != w {
			t.Fatalf("read %d went to region %d, want %d", i, got, w)
		}
	}
	if st.seen[3] != named || !st.seen[4].GetStaleRead() {
		t.Fatal("a named region's context was not passed through, or a routed one lost its fields")
	}
}
