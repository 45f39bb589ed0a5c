// Package headless drives a headless Chromium for browser tests and screenshots of local pages.
package headless

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"time"
)

// names are the browser programs Find looks for on PATH, in order.
var names = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// ErrNotFound is returned by Find when no browser is installed.
var ErrNotFound = errors.New("headless: no chromium found on PATH (looked for chromium, chromium-browser, google-chrome, google-chrome-stable); install it with: apt-get install -y chromium")

// Find returns the path of the first browser in names on PATH, or ErrNotFound.
func Find() (path string, err error) {
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", ErrNotFound
}

// baseArgs are the flags that make Debian's chromium run as root in a container without a display.
func baseArgs(profile string) []string {
	return []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--no-default-browser-check", "--disable-extensions",
		"--user-data-dir=" + profile,
	}
}

// DumpDOM loads url and returns the serialized DOM after the page has run for wait of virtual
// time (timers fire at once; network waits do not count), so a page that renders by script is
// captured rendered.
func DumpDOM(ctx context.Context, url string, wait time.Duration) (string, error) {
	out, err := run(ctx, "--virtual-time-budget="+strconv.FormatInt(wait.Milliseconds(), 10), "--dump-dom", url)
	if err != nil {
		return "", err
	}
	return string(out), nil
}

// Screenshot loads url and writes a PNG of a 1280×1024 window to file, after 2 s of virtual time.
func Screenshot(ctx context.Context, url, file string) error {
	_, err := run(ctx, "--virtual-time-budget=2000", "--window-size=1280,1024", "--hide-scrollbars",
		"--screenshot="+file, url)
	if err != nil {
		return err
	}
	if st, err := os.Stat(file); err != nil || st.Size() == 0 {
		return fmt.Errorf("headless: screenshot of %s: browser wrote no %s", url, file)
	}
	return nil
}

// run starts the browser with a fresh profile directory, which it removes afterwards.
func run(ctx context.Context, args ...string) ([]byte, error) {
	bin, err := Find()
	if err != nil {
		return nil, err
	}
	profile, err := os.MkdirTemp("", "headless-profile-")
	if err != nil {
		return nil, fmt.Errorf("headless: profile directory: %w", err)
	}
	defer os.RemoveAll(profile)
	cmd := exec.CommandContext(ctx, bin, append(baseArgs(profile), args...)...)
	cmd.WaitDelay = 2 * time.Second // a helper process holding the pipes must not hang us
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("headless: %s %s: %w", bin, args[len(args)-1], ctx.Err())
		}
		return nil, fmt.Errorf("headless: %s %s: %v; stderr: %s", bin, args[len(args)-1], err, tail(stderr.Bytes(), 2000))
	}
	return stdout.Bytes(), nil
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
