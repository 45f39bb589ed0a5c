// Command orm is a small to-do app on embedded SQLite showing GeeORM:
// migration, inserts, queries, an update with a zero value, a hook, a
// transaction and a soft delete. Run orm -h for the flags.
//
//	go run ./examples/orm [-db todo.db]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gee-project/gee/orm"
)

const usage = `orm is a small to-do app on GeeORM and embedded SQLite: it migrates a
Task table, inserts tasks (a hook rejects an empty title), updates one with
a zero value, soft-deletes and re-adds one in a transaction, and prints the
open tasks and the counts. With -v every SQL statement is logged (log/slog)
to standard error.

Examples:
  go run ./examples/orm                 # in memory
  go run ./examples/orm -db todo.db -v  # in a file, statements logged

Flags:
`

// Task is one to-do item.
type Task struct {
	ID        int64  `orm:"primaryKey;autoIncrement"`
	Title     string `orm:"size:200;notNull"`
	Priority  int    `orm:"index"`
	Done      bool
	CreatedAt time.Time
	DeletedAt *time.Time `orm:"softDelete"`
}

// BeforeInsert rejects empty titles and stamps the creation time.
func (t *Task) BeforeInsert(*orm.Session) error {
	if strings.TrimSpace(t.Title) == "" {
		return errors.New("task title is empty")
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = time.Now().UTC()
	}
	return nil
}

func main() {
	os.Exit(cli(os.Args[1:], os.Stdout, os.Stderr))
}

// cli runs the command and returns its exit status: 0, 1 when the app
// fails, 2 for bad usage.
func cli(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("orm", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are printed once below
	path := fs.String("db", ":memory:", "SQLite database `file` (\":memory:\" keeps it in memory)")
	verbose := fs.Bool("v", false, "log every SQL statement to standard error")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return 0
		}
		fmt.Fprintf(stderr, "orm: %v (see orm -h)\n", err)
		return 2
	}
	if err := checkDB(*path); err != nil || fs.NArg() > 0 {
		if err == nil {
			err = fmt.Errorf("unexpected argument %q (the database is set with -db)", fs.Arg(0))
		}
		fmt.Fprintf(stderr, "orm: %v\n", err)
		return 2
	}
	level := slog.LevelError
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	if err := run(context.Background(), *path, stdout, orm.WithLogger(log)); err != nil {
		log.Error("orm example failed", "err", err)
		return 1
	}
	return 0
}

// checkDB rejects a -db whose directory is missing or that is a directory,
// naming the file, before anything is opened.
func checkDB(path string) error {
	if path == ":memory:" {
		return nil
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("-db %s: is a directory, want a database file", path)
	}
	if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
		return fmt.Errorf("-db %s: directory %s does not exist", path, filepath.Dir(path))
	}
	return nil
}

// run is the app on the SQLite database at path; errors name the file.
func run(ctx context.Context, path string, out io.Writer, opts ...orm.Option) error {
	e, err := orm.Open("sqlite", path, opts...)
	if err != nil {
		return fmt.Errorf("database %s: %w", path, err)
	}
	defer e.Close()
	if err := e.Migrate(ctx, &Task{}); err != nil {
		return fmt.Errorf("database %s: %w", path, err)
	}
	s := e.NewSession(ctx)
	tasks := []Task{{Title: "write docs", Priority: 2}, {Title: "ship", Priority: 1}, {Title: "relax", Priority: 3}}
	if _, err := s.Insert(tasks); err != nil {
		return err
	}
	if _, err := s.Insert(&Task{Title: "  "}); err != nil {
		fmt.Fprintln(out, "rejected:", err)
	}
	// Mark "ship" done and reset its priority to 0: named zero values are written.
	tasks[1].Done, tasks[1].Priority = true, 0
	if _, err := s.Update(&tasks[1], "done", "priority"); err != nil {
		return err
	}
	// Delete and re-add atomically.
	err = e.Transaction(ctx, func(tx *orm.Session) error {
		if _, err := tx.Delete(&tasks[2]); err != nil { // soft delete
			return err
		}
		_, err := tx.Insert(&Task{Title: "relax later", Priority: 4})
		return err
	})
	if err != nil {
		return err
	}
	var open []Task
	if err := s.Where("done = ?", false).OrderBy("priority").Find(&open); err != nil {
		return err
	}
	for _, t := range open {
		fmt.Fprintf(out, "todo #%d [p%d] %s\n", t.ID, t.Priority, t.Title)
	}
	n, err := s.Model(&Task{}).Count()
	if err != nil {
		return err
	}
	all, err := s.Model(&Task{}).Unscoped().Count()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%d live tasks, %d including deleted\n", n, all)
	return nil
}
