package cluster

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"
)

// kvState is the sequential state of one partition: pairs sorted by key. It is never
// mutated; a step returns a new slice.
type kvState []KV

func (s kvState) find(key string) (int, bool) {
	i := sort.Search(len(s), func(i int) bool { return s[i].Key >= key })
	return i, i < len(s) && s[i].Key == key
}

func (s kvState) put(key, value string) kvState {
	i, ok := s.find(key)
	if ok {
		if s[i].Value == value {
			return s
		}
		n := slices.Clone(s)
		n[i].Value = value
		return n
	}
	n := make(kvState, 0, len(s)+1)
	n = append(n, s[:i]...)
	n = append(n, KV{key, value})
	return append(n, s[i:]...)
}

func (s kvState) del(key string) kvState {
	i, ok := s.find(key)
	if !ok {
		return s
	}
	n := make(kvState, 0, len(s)-1)
	n = append(n, s[:i]...)
	return append(n, s[i+1:]...)
}

// scan returns the pairs in [start, end) (end "" = unbounded), at most limit (0 = all).
func (s kvState) scan(start, end string, limit int) []KV {
	i, _ := s.find(start)
	var out []KV
	for ; i < len(s) && (end == "" || s[i].Key < end); i++ {
		if limit > 0 && len(out) == limit {
			break
		}
		out = append(out, s[i])
	}
	return out
}

func kvStep(state, input, output interface{}) (bool, interface{}) {
	st := state.(kvState)
	in := input.(Input)
	out := output.(Output)
	switch in.Kind {
	case OpPut:
		return true, st.put(in.Key, in.Value)
	case OpDelete:
		return true, st.del(in.Key)
	case OpGet:
		if out.Unknown {
			return true, st
		}
		i, ok := st.find(in.Key)
		if !ok {
			return !out.Found, st
		}
		return out.Found && out.Value == st[i].Value, st
	case OpScan:
		if out.Unknown {
			return true, st
		}
		return slices.Equal(st.scan(in.Key, in.End, in.Limit), out.Pairs), st
	}
	return false, st
}

// Model is the porcupine model of the key-value API, partitioned by Input.Part.
var Model = porcupine.Model{
	Partition: func(history []porcupine.Operation) [][]porcupine.Operation {
		parts := make(map[string][]porcupine.Operation)
		var names []string
		for _, op := range history {
			p := op.Input.(Input).Part
			if _, ok := parts[p]; !ok {
				names = append(names, p)
			}
			parts[p] = append(parts[p], op)
		}
		sort.Strings(names)
		out := make([][]porcupine.Operation, 0, len(names))
		for _, n := range names {
			out = append(out, parts[n])
		}
		return out
	},
	Init: func() interface{} { return kvState(nil) },
	Step: kvStep,
	Equal: func(a, b interface{}) bool {
		return slices.Equal(a.(kvState), b.(kvState))
	},
	DescribeOperation: describeOp,
	DescribeState: func(state interface{}) string {
		st := state.(kvState)
		if len(st) > 8 {
			return fmt.Sprintf("%d keys, first %q, last %q", len(st), st[0].Key, st[len(st)-1].Key)
		}
		var b strings.Builder
		b.WriteString("{")
		for i, kv := range st {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%q: %q", kv.Key, kv.Value)
		}
		b.WriteString("}")
		return b.String()
	},
}

func describeOp(input, output interface{}) string {
	in, out := input.(Input), output.(Output)
	res := ""
	switch {
	case out.Unknown:
		res = " -> unknown"
	case in.Kind == OpGet && out.Found:
		res = fmt.Sprintf(" -> %q", out.Value)
	case in.Kind == OpGet:
		res = " -> absent"
	case in.Kind == OpScan:
		res = fmt.Sprintf(" -> %d pairs", len(out.Pairs))
		if n := len(out.Pairs); n > 0 {
			res += fmt.Sprintf(", last %q", out.Pairs[n-1].Key)
		}
	}
	switch in.Kind {
	case OpPut:
		return fmt.Sprintf("put(%q, %q)%s", in.Key, in.Value, res)
	case OpDelete:
		return fmt.Sprintf("delete(%q)%s", in.Key, res)
	case OpGet:
		return fmt.Sprintf("get(%q)%s", in.Key, res)
	case OpScan:
		return fmt.Sprintf("scan(%q, %q, %d)%s", in.Key, in.End, in.Limit, res)
	}
	return "?"
}

// CheckTimeout bounds one linearizability check; past it the result is Unknown.
const CheckTimeout = 2 * time.Minute

// VisualizationDir is where failed checks write porcupine's HTML: $KV_CLUSTER_VIS_DIR, or
// the system temp directory.
func VisualizationDir() string {
	if d := os.Getenv("KV_CLUSTER_VIS_DIR"); d != "" {
		return d
	}
	return os.TempDir()
}

// CheckLinearizable checks h against Model. It returns porcupine's result; on Illegal the
// error names the HTML visualisation written under VisualizationDir() as name-*.html.
func CheckLinearizable(h *History, name string, timeout time.Duration) (porcupine.CheckResult, error) {
	ops := h.Operations()
	res, info := porcupine.CheckOperationsVerbose(Model, ops, timeout)
	if res != porcupine.Illegal {
		return res, nil
	}
	f, err := os.CreateTemp(VisualizationDir(), sanitize(name)+"-*.html")
	if err != nil {
		return res, fmt.Errorf("history of %d operations is not linearizable (visualisation not written: %v)", len(ops), err)
	}
	path := f.Name()
	verr := porcupine.Visualize(Model, info, f)
	f.Close()
	if verr != nil {
		return res, fmt.Errorf("history of %d operations is not linearizable (visualisation failed: %v)", len(ops), verr)
	}
	abs, _ := filepath.Abs(path)
	return res, fmt.Errorf("history of %d operations is not linearizable; visualisation: %s", len(ops), abs)
}

func sanitize(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == ' ' || r == os.PathSeparator {
			return '_'
		}
		return r
	}, name)
}
