//go:build long

package difftest

import (
	"os"
	"strconv"
	"testing"
)

// TestManyGenerated is the long soak of FuzzGeneratedPrograms: DIFF_N
// (default 100000) generated programs must run alike on both engines.
func TestManyGenerated(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv("DIFF_N"))
	if err != nil {
		n = 100000
	}
	for seed := uint64(100000); seed < uint64(100000+n); seed++ {
		agree(t, Generate(seed))
	}
}
