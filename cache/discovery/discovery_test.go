package discovery

import (
	"context"
	"errors"
	"net"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestSRVMembers(t *testing.T) {
	s := SRV{Name: "_geecache._tcp.example", Lookup: func(_ context.Context, service, proto, name string) (string, []*net.SRV, error) {
		if service != "" || proto != "" || name != "_geecache._tcp.example" {
			t.Errorf("lookup(%q, %q, %q)", service, proto, name)
		}
		return name, []*net.SRV{{Target: "a.example.", Port: 9000}, {Target: "", Port: 1}, {Target: "b.example.", Port: 0}, {Target: "10.0.0.3", Port: 9001}}, nil
	}}
	got, err := s.Members(context.Background())
	want := []string{"http://a.example:9000", "http://10.0.0.3:9001"}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("Members = %v, %v; want %v", got, err, want)
	}
	empty := SRV{Name: "x", Lookup: func(context.Context, string, string, string) (string, []*net.SRV, error) { return "", nil, nil }}
	if _, err := empty.Members(context.Background()); err == nil {
		t.Fatal("no records accepted")
	}
}

// scripted answers with one result per poll.
type scripted struct {
	mu      sync.Mutex
	answers []any // []string or error
	polled  chan struct{}
}

func (s *scripted) Members(context.Context) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer func() { s.polled <- struct{}{} }()
	if len(s.answers) == 0 {
		return nil, errors.New("script over")
	}
	a := s.answers[0]
	s.answers = s.answers[1:]
	if err, ok := a.(error); ok {
		return nil, err
	}
	return a.([]string), nil
}

func TestWatchAppliesChangesOnlyAndKeepsLastGoodOnErrors(t *testing.T) {
	src := &scripted{polled: make(chan struct{}, 10), answers: []any{
		[]string{"http://b:1", "http://a:1"},
		[]string{"http://a:1", "http://b:1"}, // same set: no call
		errors.New("dns down"),               // kept
		[]string{},                           // empty: kept
		[]string{"http://a:1"},
	}}
	var mu sync.Mutex
	var sets [][]string
	var errs []error
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		Watch(ctx, src, time.Millisecond, func(m []string) {
			mu.Lock()
			sets = append(sets, m)
			mu.Unlock()
		}, func(err error) {
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
		})
		close(done)
	}()
	for i := 0; i < 5; i++ {
		select {
		case <-src.polled:
		case <-time.After(5 * time.Second):
			t.Fatal("Watch stopped polling")
		}
	}
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if len(sets) != 2 || !slices.Equal(sets[0], []string{"http://a:1", "http://b:1"}) || !slices.Equal(sets[1], []string{"http://a:1"}) {
		t.Fatalf("sets = %v", sets)
	}
	if len(errs) < 2 || !errors.Is(errs[1], ErrEmpty) {
		t.Fatalf("errs = %v", errs)
	}
}
