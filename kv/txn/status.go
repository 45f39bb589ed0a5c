package txn

import (
	"context"

	"github.com/gee-project/gee/kv/mvcc"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
)

// logicalBits is how many low bits of a TSO timestamp count within one millisecond
// (kv/scheduler ComposeTS); the rest is the physical clock in milliseconds.
const logicalBits = 18

// physical returns the millisecond part of a TSO timestamp.
func physical(ts uint64) uint64 { return ts >> logicalBits }

// expired reports whether lock l's TTL has run out at currentTS: the physical part of
// currentTS has reached that of l.Ts plus l.Ttl.
func expired(l *mvcc.Lock, currentTS uint64) bool {
	deadline := physical(l.Ts) + l.Ttl
	if deadline < l.Ttl {
		return false // overflow: a TTL this long never ends
	}
	return physical(currentTS) >= deadline
}

// CheckTxnStatus reports the state of the transaction lock_ts through its primary key,
// and settles it when it can: a live lock answers its lock_ttl, at least 1 (NoAction); a lock whose
// TTL has run out at current_ts is rolled back (TTLExpireRollback); a committed
// transaction answers its commit_version; a rolled-back one answers 0s (NoAction); with
// neither lock nor record and rollback_if_not_exist, a rollback record is written
// (LockNotExistRollback), so the transaction can never commit; without the flag nothing is
// written and the answer is KeyError.txn_not_found.
func (e *Executor) CheckTxnStatus(ctx context.Context, req *kvrpcpb.KvCheckTxnStatusRequest) (*kvrpcpb.KvCheckTxnStatusResponse, error) {
	key := req.GetPrimaryKey()
	if err := checkKey("primary_key", key); err != nil {
		return nil, err
	}
	if err := checkTS("lock_ts", req.GetLockTs()); err != nil {
		return nil, err
	}
	if err := checkTS("current_ts", req.GetCurrentTs()); err != nil {
		return nil, err
	}
	resp := &kvrpcpb.KvCheckTxnStatusResponse{}
	_, err := e.write(ctx, req.GetContext(), [][]byte{key}, req.GetLockTs(), func(t *mvcc.MvccTxn) (keyErr, error) {
		return nil, checkStatus(t, key, req.GetCurrentTs(), req.GetRollbackIfNotExist(), resp)
	})
	if err != nil {
		return nil, err
	}
	return resp, nil
}

func checkStatus(t *mvcc.MvccTxn, key []byte, currentTS uint64, rollbackIfNotExist bool, resp *kvrpcpb.KvCheckTxnStatusResponse) error {
	l, err := t.GetLock(key)
	if err != nil {
		return err
	}
	if l != nil && l.Ts == t.StartTS {
		if !expired(l, currentTS) {
			resp.LockTtl, resp.Action = max(l.Ttl, 1), kvrpcpb.Action_NoAction // > 0: live
			return nil
		}
		writeRollback(t, key, l)
		resp.Action = kvrpcpb.Action_TTLExpireRollback
		return nil
	}
	w, commitTS, err := t.CurrentWrite(key)
	switch {
	case err != nil:
		return err
	case w != nil && w.Kind == mvcc.WriteRollback:
		resp.Action = kvrpcpb.Action_NoAction
	case w != nil:
		resp.CommitVersion, resp.Action = commitTS, kvrpcpb.Action_NoAction
	case rollbackIfNotExist:
		writeRollback(t, key, l)
		resp.Action = kvrpcpb.Action_LockNotExistRollback
	default:
		resp.Error = &kvrpcpb.KeyError{TxnNotFound: &kvrpcpb.TxnNotFound{StartTs: t.StartTS, PrimaryKey: key}}
	}
	return nil
}
