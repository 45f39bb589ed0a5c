package server

import (
	"errors"
	"fmt"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
)

// Validation of transactional requests; like the raw checks, every error names the field.

// checkKeys bounds a key list (count, each key); an empty list is valid.
func (s *Server) checkKeys(field string, keys [][]byte) error {
	if len(keys) > s.lim.MaxBatchKeys {
		return fmt.Errorf("%s: %d keys exceed the limit of %d per request", field, len(keys), s.lim.MaxBatchKeys)
	}
	for i, k := range keys {
		if err := s.checkKey(fmt.Sprintf("%s[%d]", field, i), k); err != nil {
			return err
		}
	}
	return nil
}

// checkTxnScan bounds a scan's keys (start may be empty: the region's start) and limit (0 is
// kv/txn's: KvScan returns nothing, KvScanLock its maximum).
func (s *Server) checkTxnScan(start, end []byte, limit uint32) error {
	if len(start) > s.lim.MaxKeySize {
		return fmt.Errorf("start_key: key of %d bytes exceeds the limit of %d", len(start), s.lim.MaxKeySize)
	}
	if len(end) > s.lim.MaxKeySize {
		return fmt.Errorf("end_key: key of %d bytes exceeds the limit of %d", len(end), s.lim.MaxKeySize)
	}
	if limit > s.lim.MaxScanLimit {
		return fmt.Errorf("limit: %d exceeds the maximum of %d per scan", limit, s.lim.MaxScanLimit)
	}
	return nil
}

// checkVersions: start_version is set; commit_version, when given (or required), is above it.
func (s *Server) checkVersions(start, commit uint64, needCommit bool) error {
	switch {
	case start == 0:
		return errors.New("start_version: 0 is not a transaction's timestamp")
	case commit == 0 && needCommit:
		return errors.New("commit_version: 0 is not a commit timestamp")
	case commit != 0 && commit <= start:
		return fmt.Errorf("commit_version: %d is not above start_version %d", commit, start)
	}
	return nil
}

// checkPrewrite checks the mutations (1 to MaxBatchKeys, distinct keys, bounded sizes, an op that
// can be prewritten), the primary and the start version.
func (s *Server) checkPrewrite(req *kvrpcpb.KvPrewriteRequest) error {
	if err := s.checkVersions(req.GetStartVersion(), 0, false); err != nil {
		return err
	}
	if err := s.checkKey("primary_lock", req.GetPrimaryLock()); err != nil {
		return err
	}
	muts := req.GetMutations()
	switch {
	case len(muts) == 0:
		return errors.New("mutations: no mutations to prewrite")
	case len(muts) > s.lim.MaxBatchKeys:
		return fmt.Errorf("mutations: %d mutations exceed the limit of %d per request", len(muts), s.lim.MaxBatchKeys)
	}
	seen := make(map[string]int, len(muts))
	size := 0
	for i, m := range muts {
		if err := s.checkKey(fmt.Sprintf("mutations[%d].key", i), m.GetKey()); err != nil {
			return err
		}
		if j, dup := seen[string(m.GetKey())]; dup {
			return fmt.Errorf("mutations[%d].key: %q is also mutations[%d]", i, m.GetKey(), j)
		}
		seen[string(m.GetKey())] = i
		if err := checkOp(i, m); err != nil {
			return err
		}
		if len(m.GetValue()) > s.lim.MaxValueSize {
			return fmt.Errorf("mutations[%d].value: value of %d bytes exceeds the limit of %d", i, len(m.GetValue()), s.lim.MaxValueSize)
		}
		size += len(m.GetKey()) + len(m.GetValue())
	}
	if size > s.lim.MaxBatchBytes {
		return fmt.Errorf("mutations: %d bytes of keys and values exceed the limit of %d per request", size, s.lim.MaxBatchBytes)
	}
	return nil
}

func checkOp(i int, m *kvrpcpb.Mutation) error {
	switch m.GetOp() {
	case kvrpcpb.Op_Put:
		return nil
	case kvrpcpb.Op_Del, kvrpcpb.Op_Lock:
		if len(m.GetValue()) > 0 {
			return fmt.Errorf("mutations[%d].value: a %v mutation carries no value", i, m.GetOp())
		}
		return nil
	case kvrpcpb.Op_Rollback:
		return fmt.Errorf("mutations[%d].op: Rollback cannot be prewritten (use KvBatchRollback)", i)
	}
	return fmt.Errorf("mutations[%d].op: unknown op %d", i, m.GetOp())
}
