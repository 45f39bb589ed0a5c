package cache

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The cases: 60 MB into a 64 MB group and 800 B into a 1 KB group
// that is full of popular entries. Either the value is stored or Set fails
// with the limit; never "ok" followed by a miss.
func TestSetStoresOrRefusesWithTheLimit(t *testing.T) {
	big := NewGroup("big", 64<<20, &countingGetter{})
	err := big.Set(ctx, "k", make([]byte, 60<<20), time.Time{})
	var tl *TooLargeError
	if !errors.As(err, &tl) || !errors.Is(err, ErrTooLarge) || tl.Limit != big.MaxEntryBytes() || tl.Limit != 56<<20 {
		t.Fatalf("60MB into 64MB: err = %v, want a TooLargeError with limit %d", err, 56<<20)
	}
	if _, _, ok := big.main.Peek("k"); ok {
		t.Fatal("refused value was stored")
	}

	small := NewGroup("small", 1<<10, &countingGetter{})
	for r := 0; r < 30; r++ { // popular small entries fill the group
		for i := 0; i < 40; i++ {
			small.Get(ctx, "p"+strconv.Itoa(i))
		}
	}
	if err := small.Set(ctx, "new", make([]byte, 800), time.Time{}); err != nil {
		t.Fatalf("800B into 1KB: %v", err)
	}
	if v, err := small.Get(ctx, "new"); err != nil || v.Len() != 800 {
		t.Fatalf("Get after Set = %d bytes, %v; want the 800 bytes just stored", v.Len(), err)
	}
	if st := small.Stats(); st.MainBytes > small.MaxEntryBytes() {
		t.Fatalf("main cache over capacity: %+v", st)
	}
}

func TestOneKeyLimitOnEveryPath(t *testing.T) {
	cg := &countingGetter{}
	g := NewGroup("g", 1<<20, cg)
	long := strings.Repeat("k", MaxKeyBytes+1)
	checks := map[string]error{}
	_, checks["Get"] = g.Get(ctx, long)
	checks["Set"] = g.Set(ctx, long, []byte("v"), time.Time{})
	checks["SetLocal"] = g.SetLocal(long, []byte("v"), time.Time{})
	checks["Remove"] = g.Remove(ctx, long)
	_, _, _, checks["ServePeer"] = g.ServePeer(ctx, long)
	for path, err := range checks {
		if !errors.Is(err, ErrKeyTooLong) {
			t.Errorf("%s with a %d-byte key: err = %v, want ErrKeyTooLong", path, len(long), err)
			continue
		}
		if len(err.Error()) > 200 || !strings.Contains(err.Error(), `"kkkk`) {
			t.Errorf("%s: error should name the key briefly: %q", path, err)
		}
	}
	if cg.n(long) != 0 {
		t.Fatal("getter called for a key over the limit")
	}
	ok := strings.Repeat("k", MaxKeyBytes)
	if v, err := g.Get(ctx, ok); err != nil || v.String() != "v:"+ok {
		t.Fatalf("key of exactly MaxKeyBytes: %v", err)
	}
}
