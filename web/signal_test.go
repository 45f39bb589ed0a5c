package web

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// TestHelperServeProcess is the child of TestServeStopsOnSIGTERM.
func TestHelperServeProcess(t *testing.T) {
	if os.Getenv("GEE_WEB_SERVE_HELPER") != "1" {
		t.Skip("helper process only")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.Exit(3)
	}
	e := New()
	e.GET("/ping", func(c *Context) { c.String(200, "pong") })
	fmt.Println(ln.Addr().String())
	if err := Serve(context.Background(), ln, e); err != nil {
		os.Exit(4)
	}
	fmt.Println("clean shutdown")
	os.Exit(0)
}

func TestServeStopsOnSIGTERM(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperServeProcess$")
	cmd.Env = append(os.Environ(), "GEE_WEB_SERVE_HELPER=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(out)
	if !sc.Scan() {
		t.Fatal("helper printed no address")
	}
	addr := sc.Text()
	cl := &http.Client{Timeout: 5 * time.Second}
	resp, err := cl.Get("http://" + addr + "/ping")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		for sc.Scan() {
			if sc.Text() == "clean shutdown" {
				done <- cmd.Wait()
				return
			}
		}
		done <- fmt.Errorf("helper ended without a clean shutdown: %v", cmd.Wait())
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("helper did not stop after SIGTERM")
	}
}
