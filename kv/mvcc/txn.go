package mvcc

import (
	"bytes"
	"fmt"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/storage"
)

// MvccTxn reads one snapshot for the transaction StartTS and collects the writes a
// command makes, to be applied as one batch.
type MvccTxn struct {
	StartTS uint64
	reader  storage.Reader
	writes  []storage.Modify
}

// NewMvccTxn returns a transaction buffer reading reader at startTS.
func NewMvccTxn(reader storage.Reader, startTS uint64) *MvccTxn {
	return &MvccTxn{StartTS: startTS, reader: reader}
}

// Writes returns the modifications collected so far, in order.
func (t *MvccTxn) Writes() []storage.Modify { return t.writes }

// PutWrite records write w of key at commit_ts ts.
func (t *MvccTxn) PutWrite(key []byte, ts uint64, w *Write) {
	t.writes = append(t.writes, storage.Put(engine.CFWrite, EncodeKey(key, ts), w.ToBytes()))
}

// DeleteWrite removes the write record of key at commit_ts ts (garbage collection).
func (t *MvccTxn) DeleteWrite(key []byte, ts uint64) {
	t.writes = append(t.writes, storage.Delete(engine.CFWrite, EncodeKey(key, ts)))
}

// GetLock returns the lock on key, or nil.
func (t *MvccTxn) GetLock(key []byte) (*Lock, error) {
	b, err := t.reader.GetCF(engine.CFLock, key)
	if err != nil || b == nil {
		return nil, err
	}
	l, err := ParseLock(b)
	if err != nil {
		return nil, fmt.Errorf("lock of key %q: %w", key, err)
	}
	return l, nil
}

// PutLock locks key with l.
func (t *MvccTxn) PutLock(key []byte, l *Lock) {
	t.writes = append(t.writes, storage.Put(engine.CFLock, key, l.ToBytes()))
}

// DeleteLock removes the lock on key.
func (t *MvccTxn) DeleteLock(key []byte) {
	t.writes = append(t.writes, storage.Delete(engine.CFLock, key))
}

// PutValue stores value as key's version at StartTS.
func (t *MvccTxn) PutValue(key, value []byte) {
	t.writes = append(t.writes, storage.Put(engine.CFDefault, EncodeKey(key, t.StartTS), value))
}

// DeleteValue removes key's value at StartTS.
func (t *MvccTxn) DeleteValue(key []byte) { t.DeleteValueAt(key, t.StartTS) }

// DeleteValueAt removes key's value written by the transaction startTS (garbage collection).
func (t *MvccTxn) DeleteValueAt(key []byte, startTS uint64) {
	t.writes = append(t.writes, storage.Delete(engine.CFDefault, EncodeKey(key, startTS)))
}

// GetValue returns key's value as a read at StartTS sees it: that of the newest put
// committed at or before StartTS, unless a newer delete hides it. Rollback and lock
// records are skipped. nil means no value.
func (t *MvccTxn) GetValue(key []byte) ([]byte, error) {
	var value []byte
	var found bool
	err := t.scanWrites(key, t.StartTS, func(w *Write, _ uint64) (bool, error) {
		switch w.Kind {
		case WriteRollback, WriteLock:
			return true, nil
		case WriteDelete:
			return false, nil
		}
		v, err := t.reader.GetCF(engine.CFDefault, EncodeKey(key, w.StartTS))
		value, found = v, true
		return false, err
	})
	if err != nil || !found {
		return nil, err
	}
	if value == nil {
		value = []byte{} // the write record says a value exists: it is empty
	}
	return value, nil
}

// CurrentWrite finds the write record of the transaction StartTS on key and returns it
// with its commit_ts, or nil.
func (t *MvccTxn) CurrentWrite(key []byte) (*Write, uint64, error) {
	var found *Write
	var commit uint64
	err := t.scanWrites(key, ^uint64(0), func(w *Write, ts uint64) (bool, error) {
		if ts < t.StartTS {
			return false, nil // older commits cannot belong to StartTS
		}
		if w.StartTS == t.StartTS {
			found, commit = w, ts
			return false, nil
		}
		return true, nil
	})
	return found, commit, err
}

// MostRecentWrite returns key's newest write record of any kind with its commit_ts, or nil.
func (t *MvccTxn) MostRecentWrite(key []byte) (*Write, uint64, error) {
	var found *Write
	var commit uint64
	err := t.scanWrites(key, ^uint64(0), func(w *Write, ts uint64) (bool, error) {
		found, commit = w, ts
		return false, nil
	})
	return found, commit, err
}

// ConflictingWrite returns the newest of key's write records with commit_ts at or above StartTS
// that is not another transaction's rollback, with its commit_ts, or nil. Another transaction's
// rollback changed no value, so a prewrite need not fail on it (this one's own does count).
func (t *MvccTxn) ConflictingWrite(key []byte) (*Write, uint64, error) {
	var found *Write
	var commit uint64
	err := t.scanWrites(key, ^uint64(0), func(w *Write, ts uint64) (bool, error) {
		if ts < t.StartTS {
			return false, nil
		}
		if w.Kind == WriteRollback && w.StartTS != t.StartTS {
			return true, nil
		}
		found, commit = w, ts
		return false, nil
	})
	return found, commit, err
}

// scanWrites calls f on key's write records with commit_ts <= maxTS, newest first,
// while f returns true.
func (t *MvccTxn) scanWrites(key []byte, maxTS uint64, f func(w *Write, commitTS uint64) (bool, error)) error {
	it, err := t.reader.IterCF(engine.CFWrite, EncodeKey(key, maxTS), versionsEnd(key))
	if err != nil {
		return err
	}
	defer it.Close()
	prefix := EncodeUserKey(key)
	for ; it.Valid(); it.Next() {
		k := it.Key()
		if !bytes.HasPrefix(k, prefix) || len(k) != len(prefix)+tsLength {
			break
		}
		_, ts, err := DecodeKey(k)
		if err != nil {
			return fmt.Errorf("write record of key %q: %w", key, err)
		}
		w, err := ParseWrite(it.Value())
		if err != nil {
			return fmt.Errorf("write record of key %q at %d: %w", key, ts, err)
		}
		more, err := f(w, ts)
		if err != nil || !more {
			return err
		}
	}
	return it.Err()
}

// Reader returns the snapshot the transaction reads.
func (t *MvccTxn) Reader() storage.Reader { return t.reader }
