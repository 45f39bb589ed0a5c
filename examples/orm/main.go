// Command orm is a small to-do app on embedded SQLite showing GeeORM:
// migration, inserts, queries, an update with a zero value, a hook, a
// transaction and a soft delete.
//
//	go run ./examples/orm [-db todo.db]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"github.com/gee-project/gee/orm"
)

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
	path := flag.String("db", ":memory:", "SQLite database file")
	flag.Parse()
	if err := run(context.Background(), *path, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, path string, out io.Writer) error {
	e, err := orm.Open("sqlite", path)
	if err != nil {
		return err
	}
	defer e.Close()
	if err := e.Migrate(ctx, &Task{}); err != nil {
		return err
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
