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

	"github.com/gee-project/gee/monkey/compiler"
	"github.com/gee-project/gee/monkey/evaluator"
	"github.com/gee-project/gee/monkey/object"
	"github.com/gee-project/gee/monkey/parser"
	"github.com/gee-project/gee/monkey/vm"
)

// run executes a prepared program and returns its integer result and, for
// a child process, the seconds the program itself took (0: the caller
// times it).
type run func() (int64, float64, error)

// impl is one engine. prepare parses and compiles a program (not timed);
// the run it returns executes it (timed).
type impl struct {
	name    string
	ext     string
	prepare func(src string) (run, error)
	// skip names cases the engine is not timed on, with the reason.
	skip map[string]string
}

var impls = []impl{
	{"gee", "monkey", prepareVM, nil},
	{"eval", "monkey", prepareEval, nil},
	{"tengo", "tengo", prepareTengo, nil},
	{"gopher-lua", "lua", prepareLua, nil},
	{"goja", "js", prepareGoja, nil},
	{"starlark", "star", prepareStarlark, nil},
	{"python", "py", preparePython, nil},
}

func integer(res object.Object, err error) (int64, float64, error) {
	if err != nil {
		return 0, 0, err
	}
	i, ok := res.(*object.Integer)
	if !ok {
		return 0, 0, fmt.Errorf("result %v is not an integer", res)
	}
	return i.Value, 0, nil
}

func prepareVM(src string) (run, error) {
	prog, err := parser.Parse(src)
	if err != nil {
		return nil, err
	}
	bc, err := compiler.Compile(prog)
	if err != nil {
		return nil, err
	}
	m, err := vm.New(bc, io.Discard, vm.Options{})
	if err != nil {
		return nil, err
	}
	return func() (int64, float64, error) { return integer(m.Run()) }, nil
}

// prepareEval parses only: the evaluator resolves names as part of Eval.
func prepareEval(src string) (run, error) {
	prog, err := parser.Parse(src)
	if err != nil {
		return nil, err
	}
	return func() (int64, float64, error) {
		env := object.NewEnvironment()
		env.SetOutput(io.Discard)
		res := evaluator.Eval(prog, env)
		if e, ok := res.(*object.Error); ok {
			return 0, 0, e
		}
		return integer(res, nil)
	}, nil
}

func prepareTengo(src string) (run, error) {
	compiled, err := tengo.NewScript([]byte(src)).Compile()
	if err != nil {
		return nil, err
	}
	return func() (int64, float64, error) {
		if err := compiled.Run(); err != nil {
			return 0, 0, err
		}
		return compiled.Get("result").Int64(), 0, nil
	}, nil
}

func prepareLua(src string) (run, error) {
	L := lua.NewState()
	fn, err := L.LoadString(src)
	if err != nil {
		L.Close()
		return nil, err
	}
	return func() (int64, float64, error) {
		defer L.Close()
		L.Push(fn)
		if err := L.PCall(0, 0, nil); err != nil {
			return 0, 0, err
		}
		n, ok := L.GetGlobal("result").(lua.LNumber)
		if !ok {
			return 0, 0, fmt.Errorf("result is %v", L.GetGlobal("result"))
		}
		return int64(n), 0, nil
	}, nil
}

func prepareGoja(src string) (run, error) {
	prog, err := goja.Compile("bench.js", src, false)
	if err != nil {
		return nil, err
	}
	rt := goja.New()
	return func() (int64, float64, error) {
		v, err := rt.RunProgram(prog)
		if err != nil {
			return 0, 0, err
		}
		return v.ToInteger(), 0, nil
	}, nil
}

func prepareStarlark(src string) (run, error) {
	opts := &syntax.FileOptions{Recursion: true}
	_, prog, err := starlark.SourceProgramOptions(opts, "bench.star", src, func(string) bool { return false })
	if err != nil {
		return nil, err
	}
	return func() (int64, float64, error) {
		globals, err := prog.Init(&starlark.Thread{Name: "bench"}, nil)
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
	}, nil
}

// preparePython writes the script; the run starts CPython on it. The
// harness times main() itself, so interpreter start-up and compiling the
// script are excluded, as for the other engines.
func preparePython(src string) (run, error) {
	python, err := exec.LookPath("python3")
	if err != nil {
		return nil, errNoPython
	}
	dir, err := os.MkdirTemp("", "monkeybench")
	if err != nil {
		return nil, err
	}
	script := filepath.Join(dir, "prog.py")
	if err := os.WriteFile(script, []byte(src), 0o600); err != nil {
		return nil, err
	}
	return func() (int64, float64, error) {
		defer os.RemoveAll(dir)
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
	}, nil
}

var errNoPython = fmt.Errorf("python3 not on PATH")
