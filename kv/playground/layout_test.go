package playground

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLayoutKeepsAddresses(t *testing.T) {
	dir := t.TempDir()
	l, err := loadLayout(dir)
	if err != nil || len(l.Stores) != 0 {
		t.Fatalf("empty dir: %v, %v", l, err)
	}
	if err := l.fill(3); err != nil {
		t.Fatal(err)
	}
	if l.Scheduler == "" || l.HTTP == "" || len(l.Stores) != 3 || l.Stores["1"] == l.Stores["2"] {
		t.Fatalf("filled layout %+v", l)
	}
	if err := l.save(dir); err != nil {
		t.Fatal(err)
	}
	again, err := loadLayout(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := again.fill(4); err != nil {
		t.Fatal(err)
	}
	if again.Scheduler != l.Scheduler || again.Stores["3"] != l.Stores["3"] || again.Stores["4"] == "" {
		t.Fatalf("reloaded %+v from %+v: saved addresses must be kept, new stores added", again, l)
	}
}

func TestLayoutRejectsBadFile(t *testing.T) {
	for _, body := range []string{`{`, `{"stores":{"x":"127.0.0.1:1"}}`, `{"stores":{"1":"nohostport"}}`, `{"scheduler":"bad"}`, `{"http":"x"}`} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, layoutFile), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := loadLayout(dir)
		if err == nil || !strings.Contains(err.Error(), layoutFile) {
			t.Errorf("%s: error %v, want one naming %s", body, err, layoutFile)
		}
	}
}

func TestConfigChecks(t *testing.T) {
	for _, n := range []int{-1, 65} {
		if _, err := (Config{Stores: n}).withDefaults(); err == nil || !strings.Contains(err.Error(), "out of range") {
			t.Errorf("Stores %d: %v", n, err)
		}
	}
	c, err := Config{}.withDefaults()
	if err != nil || c.Stores != 3 || c.Executable == "" {
		t.Errorf("defaults %+v, %v", c, err)
	}
}

func TestLockDirRefusesSecondUser(t *testing.T) {
	dir := t.TempDir()
	first, err := lockDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lockDir(dir); err == nil || !strings.Contains(err.Error(), "in use by another playground") {
		t.Fatalf("second lock: %v", err)
	}
	first.Close()
	again, err := lockDir(dir)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	again.Close()
}
