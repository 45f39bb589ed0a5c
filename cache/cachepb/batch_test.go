package cachepb

import (
	"errors"
	"testing"
)

func TestBatchRoundTrip(t *testing.T) {
	reqs := []GetRequest{{"g", "a"}, {"g", "b/c"}, {"other", ""}}
	got, err := UnmarshalBatchRequest(MarshalBatchRequest(nil, reqs), 10)
	if err != nil || len(got) != 3 || got[1] != reqs[1] || got[2] != reqs[2] {
		t.Fatalf("requests = %+v, %v", got, err)
	}
	if _, err := UnmarshalBatchRequest(MarshalBatchRequest(nil, reqs), 2); err == nil {
		t.Fatal("batch over the item limit accepted")
	}
	items := []BatchItem{
		{Response: GetResponse{Value: []byte("v1"), MinuteQPS: 3}},
		{Err: "not found", NotFound: true},
		{Response: GetResponse{Value: []byte{}}},
	}
	out, err := UnmarshalBatchResponse(MarshalBatchResponse(nil, items), 0)
	if err != nil || len(out) != 3 {
		t.Fatalf("items = %+v, %v", out, err)
	}
	if string(out[0].Response.Value) != "v1" || out[0].Response.MinuteQPS != 3 || out[1].Err != "not found" || !out[1].NotFound || out[0].NotFound || out[2].Err != "" {
		t.Fatalf("items = %+v", out)
	}
	if _, err := UnmarshalBatchResponse(MarshalBatchResponse(nil, items), 5); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversized batch: %v", err)
	}
	if _, err := UnmarshalBatchResponse([]byte{0x0a, 0x03, 0x0a, 0x05, 1}, 0); err == nil {
		t.Fatal("truncated inner response accepted")
	}
}

func FuzzBatchResponse(f *testing.F) {
	f.Add(MarshalBatchResponse(nil, []BatchItem{{Response: GetResponse{Value: []byte("x")}}, {Err: "e"}}))
	f.Add([]byte{0x0a, 0x02, 0x12, 0x80})
	f.Fuzz(func(t *testing.T, b []byte) {
		items, err := UnmarshalBatchResponse(b, 1<<20)
		if err != nil {
			return
		}
		again, err := UnmarshalBatchResponse(MarshalBatchResponse(nil, items), 0)
		if err != nil || len(again) != len(items) {
			t.Fatalf("re-encoding accepted batch: %d items -> %d, %v", len(items), len(again), err)
		}
	})
}

func FuzzBatchRequest(f *testing.F) {
	f.Add(MarshalBatchRequest(nil, []GetRequest{{"g", "k"}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		reqs, err := UnmarshalBatchRequest(b, 1000)
		if err != nil {
			return
		}
		again, err := UnmarshalBatchRequest(MarshalBatchRequest(nil, reqs), 1000)
		if err != nil || len(again) != len(reqs) {
			t.Fatalf("round trip: %v", err)
		}
	})
}
