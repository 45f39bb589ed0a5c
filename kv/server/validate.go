package server

import (
	"errors"
	"fmt"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
)

// Validation errors name the request field at fault; they go in the response's error field.

func (s *Server) checkCF(cf string) error {
	if !engine.ValidCF(cf) {
		return fmt.Errorf("cf: unknown column family %q (want %q, %q or %q; empty means %q)",
			cf, engine.CFDefault, engine.CFLock, engine.CFWrite, engine.CFDefault)
	}
	return nil
}

func (s *Server) checkKey(field string, key []byte) error {
	if len(key) == 0 {
		return fmt.Errorf("%s: empty key", field)
	}
	if len(key) > s.lim.MaxKeySize {
		return fmt.Errorf("%s: key of %d bytes exceeds the limit of %d", field, len(key), s.lim.MaxKeySize)
	}
	return nil
}

func (s *Server) checkPair(field string, key, value []byte) error {
	if err := s.checkKey(field, key); err != nil {
		return err
	}
	if len(value) > s.lim.MaxValueSize {
		return fmt.Errorf("value: value of %d bytes exceeds the limit of %d", len(value), s.lim.MaxValueSize)
	}
	return nil
}

func (s *Server) checkScan(req *kvrpcpb.RawScanRequest) error {
	if err := s.checkCF(req.GetCf()); err != nil {
		return err
	}
	if len(req.GetStartKey()) > s.lim.MaxKeySize {
		return fmt.Errorf("start_key: key of %d bytes exceeds the limit of %d", len(req.GetStartKey()), s.lim.MaxKeySize)
	}
	if len(req.GetEndKey()) > s.lim.MaxKeySize {
		return fmt.Errorf("end_key: key of %d bytes exceeds the limit of %d", len(req.GetEndKey()), s.lim.MaxKeySize)
	}
	switch {
	case req.GetLimit() == 0:
		return errors.New("limit: must be at least 1")
	case req.GetLimit() > s.lim.MaxScanLimit:
		return fmt.Errorf("limit: %d exceeds the maximum of %d pairs per scan", req.GetLimit(), s.lim.MaxScanLimit)
	}
	return nil
}

func (s *Server) checkBatchGet(req *kvrpcpb.RawBatchGetRequest) error {
	if err := s.checkCF(req.GetCf()); err != nil {
		return err
	}
	if len(req.GetKeys()) > s.lim.MaxBatchKeys {
		return fmt.Errorf("keys: %d keys exceed the limit of %d per batch", len(req.GetKeys()), s.lim.MaxBatchKeys)
	}
	for i, k := range req.GetKeys() {
		if err := s.checkKey(fmt.Sprintf("keys[%d]", i), k); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) checkBatchPut(req *kvrpcpb.RawBatchPutRequest) error {
	if err := s.checkCF(req.GetCf()); err != nil {
		return err
	}
	if len(req.GetPairs()) > s.lim.MaxBatchKeys {
		return fmt.Errorf("pairs: %d pairs exceed the limit of %d per batch", len(req.GetPairs()), s.lim.MaxBatchKeys)
	}
	size := 0
	for i, p := range req.GetPairs() {
		if err := s.checkKey(fmt.Sprintf("pairs[%d].key", i), p.GetKey()); err != nil {
			return err
		}
		if len(p.GetValue()) > s.lim.MaxValueSize {
			return fmt.Errorf("pairs[%d].value: value of %d bytes exceeds the limit of %d", i, len(p.GetValue()), s.lim.MaxValueSize)
		}
		size += len(p.GetKey()) + len(p.GetValue())
	}
	if size > s.lim.MaxBatchBytes {
		return fmt.Errorf("pairs: %d bytes of keys and values exceed the limit of %d per batch", size, s.lim.MaxBatchBytes)
	}
	return nil
}
