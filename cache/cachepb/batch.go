package cachepb

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// Batches are a GeeCache extension carried by POST <basePath>_batch, so
// one round trip can fetch many keys from the same owner:
//
//	message BatchRequest  { repeated GetRequest requests = 1; }
//	message BatchResponse { repeated BatchItem items = 1; }
//	message BatchItem     { optional GetResponse response = 1; optional string error = 2;
//	                        optional bool not_found = 3; }
//
// Items answer requests in order. golang/groupcache nodes do not serve it.

// BatchItem is one answer of a batch: a response or an error message.
type BatchItem struct {
	Response GetResponse
	Err      string
	NotFound bool // with Err: the owner's getter reported a missing key
}

// MarshalBatchRequest appends the wire form of reqs to b.
func MarshalBatchRequest(b []byte, reqs []GetRequest) []byte {
	for i := range reqs {
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		b = protowire.AppendVarint(b, uint64(reqSize(&reqs[i])))
		b = reqs[i].Marshal(b)
	}
	return b
}

func reqSize(r *GetRequest) int {
	return 2 + protowire.SizeBytes(len(r.Group)) + protowire.SizeBytes(len(r.Key))
}

// UnmarshalBatchRequest decodes a batch of at most maxItems requests.
func UnmarshalBatchRequest(b []byte, maxItems int) ([]GetRequest, error) {
	var reqs []GetRequest
	err := walk(b, func(num protowire.Number, typ protowire.Type, v []byte) error {
		if num != 1 {
			return nil
		}
		if typ != protowire.BytesType {
			return fmt.Errorf("cachepb: BatchRequest field 1 has wire type %d, want bytes", typ)
		}
		if len(reqs) >= maxItems {
			return fmt.Errorf("cachepb: batch has more than %d requests", maxItems)
		}
		var r GetRequest
		if err := r.Unmarshal(v); err != nil {
			return fmt.Errorf("request %d: %w", len(reqs), err)
		}
		reqs = append(reqs, r)
		return nil
	})
	return reqs, err
}

// MarshalBatchResponse appends the wire form of items to b.
func MarshalBatchResponse(b []byte, items []BatchItem) []byte {
	var scratch []byte
	for i := range items {
		scratch = scratch[:0]
		if items[i].Err == "" {
			resp := items[i].Response.Marshal(nil)
			scratch = protowire.AppendTag(scratch, 1, protowire.BytesType)
			scratch = protowire.AppendBytes(scratch, resp)
		} else {
			scratch = protowire.AppendTag(scratch, 2, protowire.BytesType)
			scratch = protowire.AppendString(scratch, items[i].Err)
			if items[i].NotFound {
				scratch = protowire.AppendTag(scratch, 3, protowire.VarintType)
				scratch = protowire.AppendVarint(scratch, 1)
			}
		}
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		b = protowire.AppendBytes(b, scratch)
	}
	return b
}

// UnmarshalBatchResponse decodes a batch response from untrusted bytes,
// rejecting messages longer than maxSize (if > 0).
func UnmarshalBatchResponse(b []byte, maxSize int) ([]BatchItem, error) {
	if maxSize > 0 && len(b) > maxSize {
		return nil, fmt.Errorf("%w: %d bytes > %d", ErrTooLarge, len(b), maxSize)
	}
	var items []BatchItem
	err := walk(b, func(num protowire.Number, typ protowire.Type, v []byte) error {
		if num != 1 {
			return nil
		}
		if typ != protowire.BytesType {
			return fmt.Errorf("cachepb: BatchResponse field 1 has wire type %d, want bytes", typ)
		}
		var it BatchItem
		err := walk(v, func(num protowire.Number, typ protowire.Type, v []byte) error {
			switch {
			case num == 1 && typ == protowire.BytesType:
				return it.Response.Unmarshal(v, 0)
			case num == 2 && typ == protowire.BytesType:
				it.Err = string(v)
			case num == 3 && typ == protowire.VarintType:
				x, _ := protowire.ConsumeVarint(v)
				it.NotFound = x != 0
			case num <= 3:
				return fmt.Errorf("cachepb: BatchItem field %d has wrong wire type %d", num, typ)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("item %d: %w", len(items), err)
		}
		items = append(items, it)
		return nil
	})
	return items, err
}
