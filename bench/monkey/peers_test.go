package monkey

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/d5/tengo/v2"
	"github.com/dop251/goja"
	lua "github.com/yuin/gopher-lua"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"

	"github.com/gee-project/gee/monkey/evaluator"
	"github.com/gee-project/gee/monkey/object"
	"github.com/gee-project/gee/monkey/parser"
	"github.com/gee-project/gee/monkey/vm"
)

// impl runs a program from source and returns its integer result and, for
// a child process, the time the program itself took (0: the caller times).
type impl struct {
	name string
	ext  string
	run  func(src string) (int64, float64, error)
	// skip names cases the engine is not timed on, with the reason.
	skip map[string]string
}

var impls = []impl{
	{"gee", "monkey", runVM, nil},
	{"eval", "monkey", runEval, map[string]string{
		// The shared object.Builtins push copies the whole array, so the
		// evaluator needs ~5·10⁹ element copies here (minutes).
		"array100k": "the evaluator's push copies the array: O(n²)",
	}},
	{"tengo", "tengo", runTengo, nil},
	{"gopher-lua", "lua", runLua, nil},
	{"goja", "js", runGoja, nil},
	{"starlark", "star", runStarlark, nil},
	{"python", "py", runPython, nil},
}

func monkeyResult(res object.Object, err error) (int64, float64, error) {
	if err != nil {
		return 0, 0, err
	}
	i, ok := res.(*object.Integer)
	if !ok {
		return 0, 0, fmt.Errorf("result %v is not an integer", res)
	}
	return i.Value, 0, nil
}

func runVM(src string) (int64, float64, error) {
	prog, err := parser.Parse(src)
	if err != nil {
		return 0, 0, err
	}
	return monkeyResult(vm.Run(prog, io.Discard))
}

func runEval(src string) (int64, float64, error) {
	prog, err := parser.Parse(src)
	if err != nil {
		return 0, 0, err
	}
	env := object.NewEnvironment()
	env.SetOutput(io.Discard)
	res := evaluator.Eval(prog, env)
	if e, ok := res.(*object.Error); ok {
		return 0, 0, e
	}
	return monkeyResult(res, nil)
}

func runTengo(src string) (int64, float64, error) {
	compiled, err := tengo.NewScript([]byte(src)).Run()
	if err != nil {
		return 0, 0, err
	}
	return compiled.Get("result").Int64(), 0, nil
}

func runLua(src string) (int64, float64, error) {
	L := lua.NewState()
	defer L.Close()
	if err := L.DoString(src); err != nil {
		return 0, 0, err
	}
	n, ok := L.GetGlobal("result").(lua.LNumber)
	if !ok {
		return 0, 0, fmt.Errorf("result is %v", L.GetGlobal("result"))
	}
	return int64(n), 0, nil
}

func runGoja(src string) (int64, float64, error) {
	v, err := goja.New().RunString(src)
	if err != nil {
		return 0, 0, err
	}
	return v.ToInteger(), 0, nil
}

func runStarlark(src string) (int64, float64, error) {
	thread := &starlark.Thread{Name: "bench"}
	opts := &syntax.FileOptions{Recursion: true}
	globals, err := starlark.ExecFileOptions(opts, thread, "bench.star", src, nil)
	if err != nil {
		return 0, 0, err
	}
	n, ok := globals["result"].(starlark.Int)
	if !ok {
		return 0, 0, fmt.Errorf("result is %v", globals["result"])
	}
	v, ok := n.Int64()
	if !ok {
		return 0, 0, fmt.Errorf("result %v overflows int64", n)
	}
	return v, 0, nil
}

// runPython runs the script's main() under CPython in a child process. The
// harness times main() itself, so interpreter start-up is excluded.
func runPython(src string) (int64, float64, error) {
	python, err := exec.LookPath("python3")
	if err != nil {
		return 0, 0, errNoPython
	}
	dir, err := os.MkdirTemp("", "monkeybench")
	if err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "prog.py")
	if err := os.WriteFile(script, []byte(src), 0o600); err != nil {
		return 0, 0, err
	}
	var out, stderr bytes.Buffer
	cmd := exec.Command(python, filepath.Join("scripts", "harness.py"), script)
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return 0, 0, fmt.Errorf("python3: %v: %s", err, stderr.String())
	}
	fields := strings.Fields(out.String())
	if len(fields) != 2 {
		return 0, 0, fmt.Errorf("python3 printed %q", out.String())
	}
	res, err1 := strconv.ParseInt(fields[0], 10, 64)
	secs, err2 := strconv.ParseFloat(fields[1], 64)
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("python3 printed %q", out.String())
	}
	return res, secs, nil
}

var errNoPython = fmt.Errorf("python3 not on PATH")
