package orm_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/gee-project/gee/orm"
)

type counter struct {
	ID    int64  `orm:"primaryKey;autoIncrement"`
	Name  string `orm:"size:32"`
	Value int
}

// TestSQLiteDefaultOpenUnderConcurrency opens a file database the documented
// way, with no DSN options, and runs 16 goroutines of mixed reads, writes and
// read-modify-write transactions: none may fail and no update may be lost.
func TestSQLiteDefaultOpenUnderConcurrency(t *testing.T) {
	e, err := orm.Open("sqlite", filepath.Join(t.TempDir(), "app.db"))
	must(t, err)
	defer e.Close()
	must(t, e.NewSession(context.Background()).Model(&counter{}).CreateTable())
	runMixed(t, e)
}

// TestMixedConcurrentOps runs the same load on every database.
func TestMixedConcurrentOps(t *testing.T) {
	each(t, runMixed, &counter{})
}

func runMixed(t *testing.T, e *orm.Engine) {
	ctx := context.Background()
	shared := &counter{Name: "shared"}
	_, err := e.NewSession(ctx).Insert(shared)
	must(t, err)

	const workers, ops = 16, 25
	errs := make(chan error, workers*ops)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range ops {
				errs <- mixedOp(ctx, e, w, i, shared.ID)
			}
		})
	}
	wg.Wait()
	close(errs)
	var failed []error
	for err := range errs {
		if err != nil {
			failed = append(failed, err)
		}
	}
	if len(failed) > 0 {
		t.Fatalf("%d of %d operations failed; first: %v", len(failed), workers*ops, errors.Join(failed[:min(3, len(failed))]...))
	}
	var got counter
	must(t, e.NewSession(ctx).Get(&got, shared.ID))
	// Every fourth op increments the shared counter in a transaction.
	if want := workers * ((ops + 3) / 4); got.Value != want {
		t.Fatalf("shared counter = %d, want %d (lost updates)", got.Value, want)
	}
}

func mixedOp(ctx context.Context, e *orm.Engine, w, i int, sharedID int64) error {
	s := e.NewSession(ctx)
	switch i % 4 {
	case 0:
		return s.Transaction(func(ts *orm.Session) error {
			var c counter
			if err := ts.ForUpdate().Get(&c, sharedID); err != nil {
				return err
			}
			c.Value++
			_, err := ts.Update(&c, "Value")
			return err
		})
	case 1:
		_, err := s.Insert(&counter{Name: fmt.Sprintf("w%d-%d", w, i), Value: i})
		return err
	case 2:
		var all []counter
		return s.Where("value >= ?", 0).Limit(50).Find(&all)
	default:
		_, err := s.Model(&counter{}).Where("name = ?", fmt.Sprintf("w%d-%d", w, i-2)).UpdateMap(map[string]any{"value": -1})
		return err
	}
}
