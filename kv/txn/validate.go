package txn

import "fmt"

func checkKey(field string, key []byte) error {
	if len(key) == 0 {
		return invalid("%s: empty key", field)
	}
	if len(key) > MaxKeySize {
		return invalid("%s: key of %d bytes exceeds the limit of %d", field, len(key), MaxKeySize)
	}
	return nil
}

func checkKeys(field string, keys [][]byte) error {
	if len(keys) > MaxKeys {
		return invalid("%s: %d keys exceed the limit of %d", field, len(keys), MaxKeys)
	}
	for i, k := range keys {
		if err := checkKey(fmt.Sprintf("%s[%d]", field, i), k); err != nil {
			return err
		}
	}
	return nil
}

func checkTS(field string, ts uint64) error {
	if ts == 0 {
		return invalid("%s: must be a timestamp above 0", field)
	}
	return nil
}

func checkBound(field string, key []byte) error {
	if len(key) > MaxKeySize {
		return invalid("%s: key of %d bytes exceeds the limit of %d", field, len(key), MaxKeySize)
	}
	return nil
}

func checkLimit(limit uint32) error {
	if limit > MaxScanLimit {
		return invalid("limit: %d exceeds the maximum of %d", limit, MaxScanLimit)
	}
	return nil
}

// distinct returns keys without repeats, in first-seen order.
func distinct(keys [][]byte) [][]byte {
	seen := make(map[string]bool, len(keys))
	out := make([][]byte, 0, len(keys))
	for _, k := range keys {
		if !seen[string(k)] {
			seen[string(k)] = true
			out = append(out, k)
		}
	}
	return out
}
