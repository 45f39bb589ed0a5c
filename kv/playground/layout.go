package playground

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
)

// layout is where each process of a playground listens, saved in DIR/playground.json so a
// restart on the same -data directory gives every store the address the scheduler knows.
type layout struct {
	Scheduler string            `json:"scheduler"`
	HTTP      string            `json:"http"`
	Stores    map[string]string `json:"stores"` // store id → address
}

const layoutFile = "playground.json"

// loadLayout reads DIR's saved layout; a directory without one gives an empty layout.
func loadLayout(dir string) (*layout, error) {
	b, err := os.ReadFile(filepath.Join(dir, layoutFile))
	if errors.Is(err, fs.ErrNotExist) {
		return &layout{Stores: map[string]string{}}, nil
	}
	if err != nil {
		return nil, err
	}
	var l layout
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("%s: %w (delete it, or use another -data directory)", filepath.Join(dir, layoutFile), err)
	}
	if l.Stores == nil {
		l.Stores = map[string]string{}
	}
	for name, addr := range map[string]string{"scheduler": l.Scheduler, "http": l.HTTP} {
		if _, _, err := net.SplitHostPort(addr); addr != "" && err != nil {
			return nil, fmt.Errorf("%s: %s: %w", filepath.Join(dir, layoutFile), name, err)
		}
	}
	for id, addr := range l.Stores {
		if n, err := strconv.ParseUint(id, 10, 64); err != nil || n == 0 {
			return nil, fmt.Errorf("%s: store id %q is not a positive number", filepath.Join(dir, layoutFile), id)
		}
		if _, _, err := net.SplitHostPort(addr); err != nil {
			return nil, fmt.Errorf("%s: store %s: %w", filepath.Join(dir, layoutFile), id, err)
		}
	}
	return &l, nil
}

func (l *layout) save(dir string) error {
	b, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, layoutFile+".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, layoutFile))
}

// fill gives every empty address a free 127.0.0.1 port.
func (l *layout) fill(stores int) error {
	var err error
	pick := func(s *string) {
		if *s == "" && err == nil {
			*s, err = freeAddr()
		}
	}
	pick(&l.Scheduler)
	pick(&l.HTTP)
	for id := 1; id <= stores; id++ {
		a := l.Stores[strconv.Itoa(id)]
		pick(&a)
		l.Stores[strconv.Itoa(id)] = a
	}
	return err
}

// freeAddr asks the kernel for a free port. Another process could take it before the child
// binds it; the child then fails to start and says so.
func freeAddr() (string, error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer lis.Close()
	return lis.Addr().String(), nil
}
