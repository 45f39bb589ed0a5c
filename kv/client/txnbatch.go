package client

import "github.com/gee-project/gee/kv/proto/kvrpcpb"

// Bounds of one transactional request (per region), well below the server's defaults
// (10,000 keys and 16 MiB per batch), so a large transaction is sent in several rounds.
const (
	txnBatchKeys  = 4096
	txnBatchBytes = 4 << 20
)

// chunks cuts items 0..n-1, of size(i) bytes each, into consecutive runs [lo, hi) of at
// most txnBatchKeys items and (but for a single larger item) txnBatchBytes bytes.
func chunks(n int, size func(int) int) [][2]int {
	var out [][2]int
	lo, bytes := 0, 0
	for i := 0; i < n; i++ {
		s := size(i)
		if i > lo && (i-lo == txnBatchKeys || bytes+s > txnBatchBytes) {
			out = append(out, [2]int{lo, i})
			lo, bytes = i, 0
		}
		bytes += s
	}
	if n > lo {
		out = append(out, [2]int{lo, n})
	}
	return out
}

func mutationChunks(muts []*kvrpcpb.Mutation) [][2]int {
	return chunks(len(muts), func(i int) int { return len(muts[i].Key) + len(muts[i].Value) })
}

func keyChunks(keys [][]byte) [][2]int {
	return chunks(len(keys), func(i int) int { return len(keys[i]) })
}
