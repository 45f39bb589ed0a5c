package docs

import (
	"strings"
	"testing"
)

// block is a fenced code block of a Markdown file.
type block struct {
	Start int      // 1-based line of the opening fence
	Lines []string // the lines between the fences
}

// fencedBlocks returns the ``` blocks of md whose info string starts with
// the word lang. Fences may be indented (inside list items); an unclosed
// block runs to the end of the file.
func fencedBlocks(md, lang string) []block {
	var out []block
	var cur *block
	var fence string
	for i, line := range strings.Split(md, "\n") {
		trimmed := strings.TrimSpace(line)
		if cur != nil {
			if strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, "`") == "" {
				out = append(out, *cur)
				cur = nil
				continue
			}
			cur.Lines = append(cur.Lines, line)
			continue
		}
		if !strings.HasPrefix(trimmed, "```") {
			continue
		}
		info := strings.TrimLeft(trimmed, "`")
		fence = trimmed[:len(trimmed)-len(info)]
		fields := strings.Fields(info)
		if len(fields) > 0 && fields[0] == lang {
			cur = &block{Start: i + 1}
		} else {
			cur = &block{Start: -1} // some other block: skipped, but its fences still pair
		}
	}
	if cur != nil {
		out = append(out, *cur)
	}
	kept := out[:0]
	for _, b := range out {
		if b.Start > 0 {
			kept = append(kept, b)
		}
	}
	return kept
}

func TestFencedBlocks(t *testing.T) {
	md := "# t\n```go\na := 1\n\nb()\n```\n```sh\n```go\n```\n  ```go\n  c()\n  ```\n````go\nx\n```\n````\n```go\nopen"
	got := fencedBlocks(md, "go")
	want := []block{
		{Start: 2, Lines: []string{"a := 1", "", "b()"}},
		{Start: 10, Lines: []string{"  c()"}},
		{Start: 13, Lines: []string{"x", "```"}},
		{Start: 17, Lines: []string{"open"}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d blocks %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i].Start != want[i].Start || strings.Join(got[i].Lines, "|") != strings.Join(want[i].Lines, "|") {
			t.Errorf("block %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}
