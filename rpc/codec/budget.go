package codec

import (
	"errors"
	"fmt"
	"reflect"
)

// MaxExpansion bounds what decoding may allocate: at most MaxExpansion
// bytes per body byte, plus BudgetSlack. Counts and lengths in a body are
// untrusted, so every codec checks what they would cost before allocating.
const MaxExpansion = 64

// BudgetSlack is the allocation every body may use regardless of its size,
// so small messages decoding into fixed-size structs are never refused.
const BudgetSlack = 64 << 10

// ErrBudget is wrapped by decoding errors of bodies whose declared contents
// would allocate more than Budget allows.
var ErrBudget = errors.New("codec: decoded value too large for its input")

// Budget is the most decoding an n-byte body may allocate.
func Budget(n int) int { return MaxExpansion*n + BudgetSlack }

func budgetError(codec string, n int, t reflect.Type, need uint64) error {
	return fmt.Errorf("%w: %s body of %d bytes into %s would allocate about %d bytes (limit %d)",
		ErrBudget, codec, n, t, need, Budget(n))
}
