package cluster

import (
	"context"
	"sort"
	"sync"

	"github.com/gee-project/gee/kv/proto/errorpb"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/storage"
)

// memDB is a multi-version in-memory key space shared by the fake stores of memRouter. A
// reader normally sees the latest version; with lag > 0 it sees the state lag writes ago
// — a deliberately stale read for mutation-checking the checker.
type memDB struct {
	mu       sync.Mutex
	version  int
	versions map[string][]memVer
	lag      int
}

type memVer struct {
	at    int
	value string
	live  bool
}

func newMemDB() *memDB { return &memDB{versions: map[string][]memVer{}} }

func (db *memDB) apply(batch []storage.Modify) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.version++
	for _, m := range batch {
		k := string(m.Key)
		db.versions[k] = append(db.versions[k], memVer{at: db.version, value: string(m.Value), live: m.Kind == storage.ModifyPut})
	}
}

// view returns the key space as of the reader's version.
func (db *memDB) view() map[string]string {
	db.mu.Lock()
	defer db.mu.Unlock()
	at := db.version - db.lag
	out := map[string]string{}
	for k, vs := range db.versions {
		for i := len(vs) - 1; i >= 0; i-- {
			if vs[i].at <= at {
				if vs[i].live {
					out[k] = vs[i].value
				}
				break
			}
		}
	}
	return out
}

// memRouter is a set of fake stores over one memDB; only leader answers, the others
// return NotLeader naming it.
type memRouter struct {
	db     *memDB
	ids    []uint64
	leader uint64
}

func (r *memRouter) IDs() []uint64 { return r.ids }

func (r *memRouter) Storage(id uint64) storage.Storage { return &memStorage{r: r, id: id} }

type memStorage struct {
	r  *memRouter
	id uint64
}

func (s *memStorage) Start() error { return nil }
func (s *memStorage) Stop() error  { return nil }

func (s *memStorage) notLeader() error {
	if s.id == s.r.leader {
		return nil
	}
	return &storage.RegionError{Err: &errorpb.Error{Message: "not leader", NotLeader: &errorpb.NotLeader{
		RegionId: 1, Leader: &metapb.Peer{Id: s.r.leader, StoreId: s.r.leader}}}}
}

func (s *memStorage) Write(_ context.Context, _ *kvrpcpb.Context, batch []storage.Modify) error {
	if err := s.notLeader(); err != nil {
		return err
	}
	s.r.db.apply(batch)
	return nil
}

func (s *memStorage) Reader(_ context.Context, _ *kvrpcpb.Context) (storage.Reader, error) {
	if err := s.notLeader(); err != nil {
		return nil, err
	}
	return memReader(s.r.db.view()), nil
}

type memReader map[string]string

func (m memReader) GetCF(_ string, key []byte) ([]byte, error) {
	if v, ok := m[string(key)]; ok {
		return []byte(v), nil
	}
	return nil, nil
}

func (m memReader) IterCF(_ string, start, end []byte) (storage.Iterator, error) {
	var kvs []KV
	for k, v := range m {
		if k >= string(start) && (len(end) == 0 || k < string(end)) {
			kvs = append(kvs, KV{k, v})
		}
	}
	sort.Slice(kvs, func(i, j int) bool { return kvs[i].Key < kvs[j].Key })
	return &memIter{kvs: kvs}, nil
}

func (m memReader) Close() {}

type memIter struct {
	kvs []KV
	i   int
}

func (it *memIter) Valid() bool   { return it.i < len(it.kvs) }
func (it *memIter) Next()         { it.i++ }
func (it *memIter) Key() []byte   { return []byte(it.kvs[it.i].Key) }
func (it *memIter) Value() []byte { return []byte(it.kvs[it.i].Value) }
func (it *memIter) Err() error    { return nil }
func (it *memIter) Close() error  { return nil }
func (it *memIter) Seek(key []byte) {
	it.i = sort.Search(len(it.kvs), func(i int) bool { return it.kvs[i].Key >= string(key) })
}
