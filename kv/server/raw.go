package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/gee-project/gee/kv/proto/errorpb"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/storage"
)

// splitErr sorts err into a region error or the text of an ordinary one.
func splitErr(err error) (*errorpb.Error, string) {
	if err == nil {
		return nil, ""
	}
	var re *storage.RegionError
	if errors.As(err, &re) && re.Err != nil {
		return re.Err, ""
	}
	return nil, err.Error()
}

// RawGet returns the value of one key; an absent key sets not_found.
func (s *Server) RawGet(ctx context.Context, req *kvrpcpb.RawGetRequest) (*kvrpcpb.RawGetResponse, error) {
	resp := &kvrpcpb.RawGetResponse{}
	if err := s.checkCF(req.GetCf()); err != nil {
		resp.Error = err.Error()
		return resp, nil
	}
	if err := s.checkKey("key", req.GetKey()); err != nil {
		resp.Error = err.Error()
		return resp, nil
	}
	r, err := s.st.Reader(ctx, s.readContext(req.GetContext(), req.GetKey()))
	if err != nil {
		resp.RegionError, resp.Error = splitErr(err)
		return resp, nil
	}
	defer r.Close()
	v, err := r.GetCF(req.GetCf(), req.GetKey())
	if err != nil {
		resp.RegionError, resp.Error = splitErr(err)
		return resp, nil
	}
	resp.Value, resp.NotFound = v, v == nil
	return resp, nil
}

// RawPut writes one key.
func (s *Server) RawPut(ctx context.Context, req *kvrpcpb.RawPutRequest) (*kvrpcpb.RawPutResponse, error) {
	resp := &kvrpcpb.RawPutResponse{}
	err := s.checkCF(req.GetCf())
	if err == nil {
		err = s.checkPair("key", req.GetKey(), req.GetValue())
	}
	if err == nil {
		err = s.st.Write(ctx, req.GetContext(), []storage.Modify{storage.Put(req.GetCf(), req.GetKey(), req.GetValue())})
	}
	resp.RegionError, resp.Error = splitErr(err)
	return resp, nil
}

// RawDelete removes one key; deleting an absent key succeeds.
func (s *Server) RawDelete(ctx context.Context, req *kvrpcpb.RawDeleteRequest) (*kvrpcpb.RawDeleteResponse, error) {
	resp := &kvrpcpb.RawDeleteResponse{}
	err := s.checkCF(req.GetCf())
	if err == nil {
		err = s.checkKey("key", req.GetKey())
	}
	if err == nil {
		err = s.st.Write(ctx, req.GetContext(), []storage.Modify{storage.Delete(req.GetCf(), req.GetKey())})
	}
	resp.RegionError, resp.Error = splitErr(err)
	return resp, nil
}

// RawScan returns up to limit pairs from start_key (inclusive) to end_key (exclusive;
// empty: no bound) in key order, within the one region holding start_key (a multi-region
// store clips the scan to that region; the client continues in the next). limit must be in [1, MaxScanLimit]. The response also
// stops once it holds MaxScanBytes of keys and values (always at least one pair), so a
// short page does not by itself mean the range is exhausted: continue from the last key
// plus a zero byte.
func (s *Server) RawScan(ctx context.Context, req *kvrpcpb.RawScanRequest) (*kvrpcpb.RawScanResponse, error) {
	resp := &kvrpcpb.RawScanResponse{}
	if err := s.checkScan(req); err != nil {
		resp.Error = err.Error()
		return resp, nil
	}
	r, err := s.st.Reader(ctx, s.readContext(req.GetContext(), req.GetStartKey()))
	if err != nil {
		resp.RegionError, resp.Error = splitErr(err)
		return resp, nil
	}
	defer r.Close()
	it, err := r.IterCF(req.GetCf(), req.GetStartKey(), req.GetEndKey())
	if err != nil {
		resp.RegionError, resp.Error = splitErr(err)
		return resp, nil
	}
	defer it.Close()
	size := 0
	for ; it.Valid() && uint32(len(resp.Kvs)) < req.GetLimit() && size < s.lim.MaxScanBytes; it.Next() {
		k, v := append([]byte(nil), it.Key()...), append([]byte{}, it.Value()...)
		resp.Kvs = append(resp.Kvs, &kvrpcpb.KvPair{Key: k, Value: v})
		size += len(k) + len(v)
	}
	if err := it.Err(); err != nil {
		resp.Kvs = nil
		resp.RegionError, resp.Error = splitErr(err)
	}
	return resp, nil
}

// RawBatchGet returns the pairs of the keys that exist, in request order, from one
// consistent view.
func (s *Server) RawBatchGet(ctx context.Context, req *kvrpcpb.RawBatchGetRequest) (*kvrpcpb.RawBatchGetResponse, error) {
	resp := &kvrpcpb.RawBatchGetResponse{}
	if err := s.checkBatchGet(req); err != nil {
		resp.Error = err.Error()
		return resp, nil
	}
	var first []byte
	if len(req.GetKeys()) > 0 {
		first = req.GetKeys()[0]
	}
	r, err := s.st.Reader(ctx, s.readContext(req.GetContext(), first))
	if err != nil {
		resp.RegionError, resp.Error = splitErr(err)
		return resp, nil
	}
	defer r.Close()
	size := 0
	for _, k := range req.GetKeys() {
		v, err := r.GetCF(req.GetCf(), k)
		if err != nil {
			resp.Pairs = nil
			resp.RegionError, resp.Error = splitErr(err)
			return resp, nil
		}
		if v == nil {
			continue
		}
		if size += len(k) + len(v); size > s.lim.MaxBatchBytes {
			resp.Pairs = nil
			resp.Error = fmt.Sprintf("keys: the values found exceed the response limit of %d bytes; ask for fewer keys", s.lim.MaxBatchBytes)
			return resp, nil
		}
		resp.Pairs = append(resp.Pairs, &kvrpcpb.KvPair{Key: k, Value: v})
	}
	return resp, nil
}

// RawBatchPut writes every pair atomically.
func (s *Server) RawBatchPut(ctx context.Context, req *kvrpcpb.RawBatchPutRequest) (*kvrpcpb.RawBatchPutResponse, error) {
	resp := &kvrpcpb.RawBatchPutResponse{}
	err := s.checkBatchPut(req)
	if err == nil {
		batch := make([]storage.Modify, len(req.GetPairs()))
		for i, p := range req.GetPairs() {
			batch[i] = storage.Put(req.GetCf(), p.GetKey(), p.GetValue())
		}
		err = s.st.Write(ctx, req.GetContext(), batch)
	}
	resp.RegionError, resp.Error = splitErr(err)
	return resp, nil
}
