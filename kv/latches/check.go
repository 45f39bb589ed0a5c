package latches

import (
	"fmt"

	"github.com/gee-project/gee/kv/storage"
)

// CheckWrites returns an error naming the first modification whose user key the guard
// does not hold. userKey maps a column family's key to its user key. Commands call it
// before every write, so a command that writes a key it did not latch fails instead of
// racing another command.
func (g *Guard) CheckWrites(mods []storage.Modify, userKey func(cf string, key []byte) ([]byte, error)) error {
	for i, m := range mods {
		k, err := userKey(m.CF, m.Key)
		if err != nil {
			return fmt.Errorf("latches: modify %d (cf %s): %w", i, m.CF, err)
		}
		if !g.Holds(k) {
			return fmt.Errorf("latches: modify %d writes key %q (cf %s) that the command did not latch", i, k, m.CF)
		}
	}
	return nil
}
