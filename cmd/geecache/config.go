package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gee-project/gee/cache"
)

type groupSpec struct {
	name     string
	capacity int64
}

// parseGroups reads "name:64MB,other:1GB".
func parseGroups(s string) ([]groupSpec, error) {
	var specs []groupSpec
	seen := map[string]bool{}
	for i, item := range splitList(s) {
		name, size, ok := strings.Cut(item, ":")
		if !ok || name == "" {
			return nil, fmt.Errorf("-groups item %d %q: want name:capacity", i+1, item)
		}
		if seen[name] {
			return nil, fmt.Errorf("-groups item %d: group %q given twice", i+1, name)
		}
		seen[name] = true
		n, err := parseBytes(size)
		if err != nil {
			return nil, fmt.Errorf("-groups item %d %q: %w", i+1, item, err)
		}
		specs = append(specs, groupSpec{name, n})
	}
	if len(specs) == 0 {
		return nil, fmt.Errorf("-groups: no group given")
	}
	return specs, nil
}

var units = []struct {
	suffix string
	mult   int64
}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}}

// parseBytes reads sizes like 512KB, 64MB, 1GB or a plain byte count.
func parseBytes(s string) (int64, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("capacity %q is not a positive size like 64MB", s)
	}
	return n * mult, nil
}

// fileGetter loads <dir>/<group>/<key>. Keys that would leave the group's
// directory are refused. With no dir every miss is "not found".
func fileGetter(dir, group string) cache.Getter {
	return cache.GetterFunc(func(_ context.Context, key string) ([]byte, time.Time, error) {
		if dir == "" {
			return nil, time.Time{}, fmt.Errorf("no -source configured: %w", cache.ErrNotFound)
		}
		if !filepath.IsLocal(key) {
			return nil, time.Time{}, fmt.Errorf("key %q is not a local file name: %w", key, cache.ErrNotFound)
		}
		b, err := os.ReadFile(filepath.Join(dir, group, key))
		if errors.Is(err, fs.ErrNotExist) {
			err = fmt.Errorf("%w: %w", cache.ErrNotFound, err)
		}
		return b, time.Time{}, err
	})
}
