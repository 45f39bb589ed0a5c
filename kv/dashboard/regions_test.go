package dashboard

import (
	"net/url"
	"testing"
)

func TestRegionsPaging(t *testing.T) {
	h := newTestHandler(newFake(5, 10000), -1)
	var p regionsJSON
	size := getJSON(t, h, "/dashboard/api/regions", &p)
	if p.Total != 10000 || p.Offset != 0 || p.Limit != DefaultRegionsLimit || len(p.Regions) != DefaultRegionsLimit {
		t.Fatalf("default page: total %d offset %d limit %d, %d regions", p.Total, p.Offset, p.Limit, len(p.Regions))
	}
	if size > 64<<10 {
		t.Errorf("a 100-region page is %d bytes, want under 64 KiB", size)
	}
	if len(p.Stores) != 5 {
		t.Errorf("grid columns %v, want the 5 stores", p.Stores)
	}
	r := p.Regions[0]
	if r.ID != 1 || r.StartKey != "" || r.EndKey != "k000001" || r.ConfVer != 3 || r.Version != 1 ||
		len(r.Peers) != 3 || r.LeaderStoreID != 1 || r.ApproximateSize != 1<<20 {
		t.Errorf("first region %+v", r)
	}
	size = getJSON(t, h, "/dashboard/api/regions?offset=9800&limit=500", &p)
	if len(p.Regions) != 200 || p.Regions[0].ID != 9801 || p.Regions[199].EndKey != "" {
		t.Errorf("last page: %d regions from id %d", len(p.Regions), p.Regions[0].ID)
	}
	if size > 320<<10 {
		t.Errorf("a 500-limit page is %d bytes, want bounded under 320 KiB", size)
	}
	getJSON(t, h, "/dashboard/api/regions?offset=20000", &p)
	if len(p.Regions) != 0 || p.Total != 10000 {
		t.Errorf("past the end: %d regions, total %d; want none of 10000", len(p.Regions), p.Total)
	}
}

func TestRegionsStoreFilter(t *testing.T) {
	h := newTestHandler(newFake(5, 10000), -1)
	var p regionsJSON
	getJSON(t, h, "/dashboard/api/regions?store=2&limit=500&offset=5500", &p)
	if p.Total != 6000 || len(p.Regions) != 500 {
		t.Fatalf("store=2: total %d, %d regions; want 6000 and a full page", p.Total, len(p.Regions))
	}
	for _, r := range p.Regions {
		on := false
		for _, peer := range r.Peers {
			on = on || peer.StoreID == 2
		}
		if !on {
			t.Fatalf("store=2 returned region %d with peers %v", r.ID, r.Peers)
		}
	}
	getJSON(t, h, "/dashboard/api/regions?store=99", &p)
	if p.Total != 0 || len(p.Regions) != 0 {
		t.Errorf("unknown store: total %d", p.Total)
	}
}

func TestRegionsJumpToKey(t *testing.T) {
	h := newTestHandler(newFake(5, 10000), -1)
	cases := []struct {
		key    string
		store  string
		offset int
		first  uint64
	}{
		{"k005000x", "", 5000, 5001}, // inside region 5001 [k005000, k005001)
		{"k005000", "", 5000, 5001},  // its start key
		{"", "", 0, 1},               // the first region
		{`"\x00"`, "", 0, 1},         // quoted form
		{"z", "", 9999, 10000},       // the unbounded last region
		{"k000003", "1", 1, 4},       // store 1 holds regions 1,4,5,6,9,…: the key's region 4 is its second
		{"k000003", "2", 2, 5},       // store 2 holds 1,2,5,6,7,…: region 4 is not there, 5 is next
	}
	for _, c := range cases {
		q := url.Values{"key": {c.key}}
		if c.store != "" {
			q.Set("store", c.store)
		}
		var p regionsJSON
		getJSON(t, h, "/dashboard/api/regions?"+q.Encode(), &p)
		if p.Offset != c.offset || len(p.Regions) == 0 || p.Regions[0].ID != c.first {
			t.Errorf("key %q store %q: offset %d, first %v; want offset %d at region %d", c.key, c.store, p.Offset, p.Regions[:min(1, len(p.Regions))], c.offset, c.first)
		}
	}
}

func TestRegionsKeysShownQuotedWhenNotPlain(t *testing.T) {
	f := newFake(3, 3)
	f.regions[1].StartKey = []byte("a\x00\xff")
	f.regions[0].EndKey = f.regions[1].StartKey
	f.regions[1].DownPeers = []uint64{100011}
	f.regions[1].Peers[2].Learner = true
	var p regionsJSON
	getJSON(t, newTestHandler(f, -1), "/dashboard/api/regions", &p)
	if got := p.Regions[1].StartKey; got != `"a\x00\xff"` {
		t.Errorf("start key shown %s, want Go-quoted", got)
	}
	if r := p.Regions[1]; len(r.DownPeers) != 1 || !r.Peers[2].Learner || r.Peers[0].Learner {
		t.Errorf("region 2: down %v peers %+v", r.DownPeers, r.Peers)
	}
}

func TestRegionsSortsUnorderedSource(t *testing.T) {
	f := newFake(3, 50)
	f.regions[0], f.regions[49] = f.regions[49], f.regions[0]
	var p regionsJSON
	getJSON(t, newTestHandler(f, -1), "/dashboard/api/regions", &p)
	for i, r := range p.Regions {
		if r.ID != uint64(i+1) {
			t.Fatalf("position %d holds region %d: the page is not in key order", i, r.ID)
		}
	}
}
