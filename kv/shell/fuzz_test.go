package shell

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// FuzzExec runs arbitrary lines (split as -e splits them) against fakes, in text and JSON
// mode: nothing may panic, Check must agree with Exec on usage errors that do not depend on
// the transaction state, and an error must never be both printed and returned in JSON mode.
func FuzzExec(f *testing.F) {
	for _, s := range []string{"put a 1; get a", `put "a b\x00" "\xff"; scan "" "" 5`, "begin; put k v; delete k; scan; commit",
		"begin; begin", "rollback", "regions; region 2; region 0; stores", "split a b c", `split ""`,
		"transfer-leader 2 3; operator add-peer 2 4; operator remove-peer 6 1; operators 1", "operator x 1 2",
		"kill 1; restart 1; restart 9", "help; help scan; help nope", `get "unterminated`, `put a"b c`, "# comment",
		"scan a b 99999999999999999999", "region 18446744073709551616", "get \"\\u12\"", ";;;", "\"", "put \xff\xfe v"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, script string, jsonMode bool) {
		if len(script) > 4096 {
			return
		}
		fx := newFixture(jsonMode)
		for _, line := range SplitCommands(script) {
			_, checkErr := Check(line)
			out, err := fx.run(line)
			if checkErr != nil && (err == nil || checkErr.Error() != err.Error()) {
				t.Fatalf("%q: Check says %v, Exec %v", line, checkErr, err)
			}
			if checkErr != nil && !errors.Is(checkErr, ErrUsage) {
				t.Fatalf("%q: Check error %v is not a usage error", line, checkErr)
			}
			if err != nil && jsonMode && out != "" {
				t.Fatalf("%q: JSON mode printed %q and returned %v", line, out, err)
			}
			if err == nil && jsonMode && strings.Count(out, "\n") != 1 && out != "" {
				t.Fatalf("%q: JSON mode printed %q", line, out)
			}
		}
		_ = fx.sh.Close(context.Background())
	})
}
