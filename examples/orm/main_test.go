package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), filepath.Join(t.TempDir(), "todo.db"), &out); err != nil {
		t.Fatal(err)
	}
	want := "rejected: orm: hook table \"task\": task title is empty\n" +
		"todo #1 [p2] write docs\n" +
		"todo #4 [p4] relax later\n" +
		"3 live tasks, 4 including deleted\n"
	if out.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}
