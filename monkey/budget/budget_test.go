package budget

import (
	"context"
	"errors"
	"testing"
)

// steps counts how many steps a meter allows, as an engine takes them.
func steps(m *Meter, max int) (int, error) {
	for i := 0; i < max; i++ {
		if m.Tick--; m.Tick < 0 {
			if err := m.Step(); err != nil {
				return i, err
			}
		}
	}
	return max, nil
}

func TestStepBudgetIsExact(t *testing.T) {
	for _, n := range []int64{1, 2, CheckEvery - 1, CheckEvery, CheckEvery + 1, 3*CheckEvery + 7} {
		m := New(context.Background(), Limits{MaxSteps: n})
		got, err := steps(m, 10*CheckEvery)
		if int64(got) != n || !errors.Is(err, ErrSteps) {
			t.Errorf("MaxSteps %d: ran %d steps, then %v", n, got, err)
		}
		if _, err := steps(m, 1); !errors.Is(err, ErrSteps) { // stays spent
			t.Errorf("MaxSteps %d: step after the limit: %v", n, err)
		}
	}
	if got, err := steps(New(context.Background(), Limits{}), 5*CheckEvery); got != 5*CheckEvery || err != nil {
		t.Errorf("no limit: %d, %v", got, err)
	}
}

func TestContextPolledEveryCheckEvery(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	m := New(ctx, Limits{})
	if _, err := steps(m, 3*CheckEvery); err != nil {
		t.Fatal(err)
	}
	cancel()
	got, err := steps(m, 3*CheckEvery)
	if got > CheckEvery || !errors.Is(err, context.Canceled) || err.Error() != "run canceled: context canceled" {
		t.Fatalf("stopped after %d steps with %v", got, err)
	}
}

func TestAlloc(t *testing.T) {
	m := New(context.Background(), Limits{MaxMem: 100})
	if err := m.Alloc(100); err != nil || !m.Limited() {
		t.Fatalf("at the limit: %v", err)
	}
	if err := m.Alloc(1); !errors.Is(err, ErrMemory) || err.Error() != "memory limit exceeded: 100 bytes" {
		t.Fatalf("past it: %v", err)
	}
	if New(context.Background(), Limits{}).Alloc(1<<62) != nil {
		t.Fatal("no limit failed")
	}
}
