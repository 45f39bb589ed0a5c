package engine

import "github.com/cockroachdb/pebble/v2"

// WriteBatch collects writes committed atomically by Engine.Write.
type WriteBatch struct {
	b *pebble.Batch
}

// Put sets key to value in cf.
func (wb *WriteBatch) Put(cf string, key, value []byte) { wb.PutRaw(DataKey(cf, key), value) }

// Delete removes key from cf.
func (wb *WriteBatch) Delete(cf string, key []byte) { wb.DeleteRaw(DataKey(cf, key)) }

// PutRaw sets an engine key (local or data).
func (wb *WriteBatch) PutRaw(key, value []byte) { _ = wb.b.Set(key, value, nil) }

// DeleteRaw removes an engine key.
func (wb *WriteBatch) DeleteRaw(key []byte) { _ = wb.b.Delete(key, nil) }

// DeleteRange removes every engine key in [lo, hi).
func (wb *WriteBatch) DeleteRange(lo, hi []byte) { _ = wb.b.DeleteRange(lo, hi, nil) }

// Count is the number of operations in the batch.
func (wb *WriteBatch) Count() uint32 { return wb.b.Count() }

// Size is the batch's encoded size in bytes.
func (wb *WriteBatch) Size() int { return wb.b.Len() }

// Empty reports whether the batch holds no operation.
func (wb *WriteBatch) Empty() bool { return wb.b.Empty() }

// Reset empties the batch for reuse (only after it was written or abandoned).
func (wb *WriteBatch) Reset() { wb.b.Reset() }

// Close releases the batch; it must not be used afterwards.
func (wb *WriteBatch) Close() error { return wb.b.Close() }
