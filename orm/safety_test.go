package orm_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/orm"
)

type safeNote struct {
	ID   int64 `orm:"primaryKey;autoIncrement"`
	Body string
}

func TestInjectionThroughValuesAndWhere(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		s := e.NewSession(context.Background())
		evil := []string{
			`'); DROP TABLE safe_note; --`, `" OR 1=1 --`, "` OR 1=1 #", `\'; DELETE FROM safe_note; --`, "?", "$1",
		}
		for _, v := range evil {
			_, err := s.Insert(&safeNote{Body: v})
			must(t, err)
		}
		for _, v := range evil {
			var got []safeNote
			must(t, s.Where("body = ?", v).Find(&got))
			if len(got) != 1 || got[0].Body != v {
				t.Fatalf("value %q not stored verbatim / matched exactly: %+v", v, got)
			}
		}
		// an attack in the Where argument matches nothing and deletes nothing
		n, err := s.Model(&safeNote{}).Where("body = ?", "x' OR '1'='1").Delete()
		must(t, err)
		if n != 0 {
			t.Fatalf("injected Where argument deleted %d rows", n)
		}
		// column names from outside are checked, not spliced into SQL
		if err := s.OrderBy("body; DROP TABLE safe_note").Find(&[]safeNote{}); err == nil {
			t.Fatal("OrderBy accepted an injected column")
		}
		if err := s.In("id) OR (1=1", 1).Find(&[]safeNote{}); err == nil {
			t.Fatal("In accepted an injected column")
		}
		if _, err := s.Model(&safeNote{}).Where("id > ?", 0).UpdateMap(map[string]any{"body = 'x', id": 1}); err == nil {
			t.Fatal("UpdateMap accepted an injected column")
		}
		cnt, err := s.Model(&safeNote{}).Count()
		must(t, err)
		if cnt != int64(len(evil)) {
			t.Fatalf("%d rows, want %d", cnt, len(evil))
		}
	}, &safeNote{})
}

type softDoc struct {
	ID        int64 `orm:"primaryKey;autoIncrement"`
	Title     string
	DeletedAt *time.Time `orm:"softDelete;index"`
}

func TestSoftDeleteAndRaw(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		s := e.NewSession(context.Background())
		docs := []softDoc{{Title: "a"}, {Title: "b"}, {Title: "c"}}
		_, err := s.Insert(docs)
		must(t, err)
		n, err := s.Delete(&docs[0])
		must(t, err)
		if n != 1 {
			t.Fatalf("soft delete affected %d", n)
		}
		var live, all []softDoc
		must(t, s.Find(&live))
		must(t, s.Unscoped().Find(&all))
		if len(live) != 2 || len(all) != 3 {
			t.Fatalf("soft delete: %d live, %d total", len(live), len(all))
		}
		if err := s.Get(&softDoc{}, docs[0].ID); !errors.Is(err, orm.ErrNotFound) {
			t.Fatalf("Get of soft-deleted row: %v", err)
		}
		_, err = s.Unscoped().Delete(&docs[0])
		must(t, err)
		must(t, s.Unscoped().Find(&all))
		if len(all) != 2 {
			t.Fatalf("Unscoped delete should remove the row, %d left", len(all))
		}

		res, err := s.Raw("UPDATE soft_doc SET title = ? WHERE id = ?", "B", docs[1].ID).Exec()
		must(t, err)
		if k, _ := res.RowsAffected(); k != 1 {
			t.Fatalf("raw exec affected %d", k)
		}
		var title string
		must(t, s.Raw("SELECT title FROM soft_doc WHERE id = ?", docs[1].ID).QueryRow().Scan(&title))
		var got []softDoc
		must(t, s.Raw("SELECT id, title FROM soft_doc WHERE title IN ? ORDER BY id", []string{"B", "c"}).Find(&got))
		if title != "B" || len(got) != 2 || got[0].Title != "B" {
			t.Fatalf("raw: title %q rows %+v", title, got)
		}
		var one softDoc
		must(t, s.Raw("SELECT id, title FROM soft_doc ORDER BY id DESC").First(&one))
		if one.Title != "c" {
			t.Fatalf("raw First: %+v", one)
		}
		err = s.Raw("SELECT id, title AS nope FROM soft_doc").First(&one)
		if err == nil || !strings.Contains(err.Error(), "nope") {
			t.Fatalf("unknown result column should be named: %v", err)
		}
		_, err = s.Raw("SELECT * FROM no_such_table_xyz").Exec()
		if err == nil || !strings.Contains(err.Error(), "no_such_table_xyz") {
			t.Fatalf("error should carry the statement: %v", err)
		}
	}, &softDoc{})
}

func TestLoggingLevelsAndSlowQueries(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	h := slog.NewTextHandler(&lockedWriter{&buf, &mu}, &slog.HandlerOptions{Level: slog.LevelDebug})
	for _, tg := range targets(t, orm.WithLogger(slog.New(h)), orm.WithSlowThreshold(time.Nanosecond)) {
		t.Run(tg.name, func(t *testing.T) {
			fresh(t, tg.engine, &safeNote{})
			s := tg.engine.NewSession(context.Background())
			_, err := s.Insert(&safeNote{Body: "logged-arg"})
			must(t, err)
			_, _ = s.Raw("SELECT broken FROM nowhere_xyz").Exec()
			var x int
			must(t, s.Raw("SELECT 42 AS queryrow_marker").QueryRow().Scan(&x))
			mu.Lock()
			out := buf.String()
			buf.Reset()
			mu.Unlock()
			if !strings.Contains(out, "level=WARN") || !strings.Contains(out, "slow statement") ||
				!strings.Contains(out, "level=ERROR") || !strings.Contains(out, "nowhere_xyz") ||
				!strings.Contains(out, "queryrow_marker") {
				t.Fatalf("want slow warnings and an error entry:\n%s", out)
			}
		})
	}
	var dbg bytes.Buffer
	h2 := slog.NewTextHandler(&lockedWriter{&dbg, &mu}, &slog.HandlerOptions{Level: slog.LevelDebug})
	tg := targets(t, orm.WithLogger(slog.New(h2)))[0]
	fresh(t, tg.engine, &safeNote{})
	_, err := tg.engine.NewSession(context.Background()).Insert(&safeNote{Body: "debug-arg"})
	must(t, err)
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(dbg.String(), "level=DEBUG") || !strings.Contains(dbg.String(), "debug-arg") {
		t.Fatalf("debug level should show SQL with arguments:\n%s", dbg.String())
	}
}

type lockedWriter struct {
	b  *bytes.Buffer
	mu *sync.Mutex
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func TestConcurrentSessions(t *testing.T) {
	each(t, func(t *testing.T, e *orm.Engine) {
		const workers, per = 6, 15
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < per; i++ {
					s := e.NewSession(ctx)
					n := safeNote{Body: "w"}
					if _, err := s.Insert(&n); err != nil {
						errs <- err
						return
					}
					var got safeNote
					if err := s.Get(&got, n.ID); err != nil || got.ID != n.ID {
						errs <- errors.Join(err, errors.New("read back mismatch"))
						return
					}
					if err := e.Transaction(ctx, func(ts *orm.Session) error {
						n.Body = "t"
						_, err := ts.Update(&n, "body")
						return err
					}); err != nil {
						errs <- err
						return
					}
				}
			}(w)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		c, err := e.NewSession(ctx).Model(&safeNote{}).Where("body = ?", "t").Count()
		must(t, err)
		if c != workers*per {
			t.Fatalf("%d rows updated, want %d", c, workers*per)
		}
	}, &safeNote{})
}
