package sicheck

// Check returns every anomaly in history h, or an error when h cannot be judged (repeated IDs,
// a zero start_ts, a commit_ts not above start_ts, a value written twice to one key).
//
// Undetermined transactions count as committed once another transaction read one of their
// values; their versions are placed by commit_ts when it is known. An undetermined
// transaction nobody read may or may not have committed, so missing its writes is allowed.
func Check(h []Txn) ([]Anomaly, error) {
	if err := validate(h); err != nil {
		return nil, err
	}
	ix := newIndex(h)
	var out []Anomaly
	out = append(out, ix.checkOverlaps()...)
	out = append(out, ix.checkReads()...)
	out = append(out, ix.checkCycles()...)
	out = append(out, ix.checkLostUpdates()...)
	return out, nil
}

// Kinds counts anomalies by kind, for a test's summary line.
func Kinds(as []Anomaly) map[Kind]int {
	n := make(map[Kind]int)
	for _, a := range as {
		n[a.Kind]++
	}
	return n
}
