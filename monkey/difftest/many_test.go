package difftest

import (
	"os"
	"strconv"
	"testing"
)

func TestManyGenerated(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("DIFF_N"))
	for seed := uint64(100000); seed < uint64(100000+n); seed++ {
		agree(t, Generate(seed))
	}
}
