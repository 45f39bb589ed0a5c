//go:build long

package orm_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/orm"
)

type soakAccount struct {
	ID      int64 `orm:"primaryKey"`
	Balance int64
}

var errInjected = errors.New("injected failure")

// TestSoakTransfers moves money between accounts from many goroutines with
// injected errors, panics and failing savepoints; the total never changes.
func TestSoakTransfers(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		const accounts, start, workers, rounds = 8, 1000, 6, 150
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		for i := int64(1); i <= accounts; i++ {
			_, err := e.NewSession(ctx).Insert(&soakAccount{ID: i, Balance: start})
			must(t, err)
		}
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(seed uint64) {
				defer wg.Done()
				r := rand.New(rand.NewPCG(seed, 7))
				for i := 0; i < rounds && ctx.Err() == nil; i++ {
					from, to := r.Int64N(accounts)+1, r.Int64N(accounts)+1
					transfer(ctx, e, from, to, r.Int64N(50), r.IntN(10))
				}
			}(uint64(w))
		}
		wg.Wait()
		var all []soakAccount
		must(t, e.NewSession(ctx).Find(&all))
		var sum int64
		moved := false
		for _, a := range all {
			sum += a.Balance
			moved = moved || a.Balance != start
		}
		if !moved {
			t.Fatal("no transfer committed")
		}
		if sum != accounts*start {
			t.Fatalf("total %d, want %d: %+v", sum, accounts*start, all)
		}
	}, &soakAccount{})
}

// transfer debits and credits in a transaction; mode injects failures.
// Errors (injected, deadlocks, busy) are expected and ignored: the check is
// that none of them breaks atomicity.
func transfer(ctx context.Context, e *orm.Engine, from, to, amount int64, mode int) {
	defer func() { _ = recover() }()
	_ = e.Transaction(ctx, func(s *orm.Session) error {
		// lock rows in id order so concurrent transfers do not deadlock
		first, firstDelta, second, secondDelta := from, -amount, to, amount
		if to < from {
			first, firstDelta, second, secondDelta = to, amount, from, -amount
		}
		if err := move(s, first, firstDelta); err != nil {
			return err
		}
		if err := move(s, second, secondDelta); err != nil {
			return err
		}
		_ = s.Transaction(func(sp *orm.Session) error { // savepoint that always fails
			if err := move(sp, to, 1_000_000); err != nil {
				return err
			}
			return errInjected
		})
		switch mode {
		case 0:
			return errInjected
		case 1:
			panic(errInjected)
		}
		return nil
	})
}

// move changes a balance atomically in SQL (a Get-then-Update would lose
// concurrent updates under READ COMMITTED / REPEATABLE READ), then reads it
// back through the session to exercise scanning inside the transaction.
func move(s *orm.Session, id, delta int64) error {
	if _, err := s.Raw("UPDATE soak_account SET balance = balance + ? WHERE id = ?", delta, id).Exec(); err != nil {
		return err
	}
	var a soakAccount
	return s.Get(&a, id)
}
