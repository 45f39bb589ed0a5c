// Package rpc is GeeRPC: net/rpc-style services registered by reflection,
// served over a framed binary protocol (package protocol) with pluggable
// codecs (package codec), context deadlines and cancellation that travel to
// the server, interceptors, metadata, TLS, gzip, HTTP CONNECT, JSON-RPC 2.0
// over HTTP POST and a debug page.
package rpc

import (
	"context"
	"errors"
	"fmt"
	"go/token"
	"reflect"
	"strings"
	"sync/atomic"
	"time"
)

var (
	typeOfError   = reflect.TypeFor[error]()
	typeOfContext = reflect.TypeFor[context.Context]()
	typeOfStream  = reflect.TypeFor[*Stream]()
)

// methodType is one callable method with its live statistics.
type methodType struct {
	service   string
	full      string // "Service.Method"
	name      string
	fn        reflect.Value // the method's func, receiver first
	rcvr      reflect.Value
	hasCtx    bool
	stream    bool         // M(ctx, *Stream) error
	argType   reflect.Type // as declared
	argIsPtr  bool
	replyType reflect.Type // pointer type, as declared
	calls     atomic.Uint64
	errors    atomic.Uint64
	nanos     atomic.Uint64
}

// newArgs returns a pointer to a fresh argument value.
func (m *methodType) newArgs() reflect.Value {
	if m.argIsPtr {
		return reflect.New(m.argType.Elem())
	}
	return reflect.New(m.argType)
}

// newReply returns a pointer to a fresh reply value with maps and slices
// made, as net/rpc does.
func (m *methodType) newReply() reflect.Value {
	r := reflect.New(m.replyType.Elem())
	switch m.replyType.Elem().Kind() {
	case reflect.Map:
		r.Elem().Set(reflect.MakeMap(m.replyType.Elem()))
	case reflect.Slice:
		r.Elem().Set(reflect.MakeSlice(m.replyType.Elem(), 0, 0))
	}
	return r
}

func (m *methodType) call(ctx context.Context, argp, replyp reflect.Value) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("rpc: panic in %s.%s: %v", m.service, m.name, p)
		}
	}()
	argv := argp
	if !m.argIsPtr {
		argv = argp.Elem()
	}
	var out []reflect.Value
	if m.hasCtx {
		out = m.fn.Call([]reflect.Value{m.rcvr, reflect.ValueOf(&ctx).Elem(), argv, replyp})
	} else {
		out = m.fn.Call([]reflect.Value{m.rcvr, argv, replyp})
	}
	if e := out[0].Interface(); e != nil {
		return e.(error)
	}
	return nil
}

func (m *methodType) record(start time.Time, err error) {
	m.calls.Add(1)
	m.nanos.Add(uint64(time.Since(start)))
	if err != nil {
		m.errors.Add(1)
	}
}

// buildService reflects rcvr's methods; any exported method not of an RPC
// form is an error naming it, so mistakes show at registration.
func buildService(rcvr any, name string) (map[string]*methodType, error) {
	if rcvr == nil {
		return nil, errors.New("rpc: Register of nil receiver")
	}
	if !token.IsExported(name) {
		return nil, fmt.Errorf("rpc: service name %q is not exported", name)
	}
	rv, t := reflect.ValueOf(rcvr), reflect.TypeOf(rcvr)
	methods := map[string]*methodType{}
	var bad []string
	for i := 0; i < t.NumMethod(); i++ {
		m := t.Method(i)
		mt, err := checkMethod(m)
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s.%s: %v", name, m.Name, err))
			continue
		}
		mt.service, mt.rcvr, mt.full = name, rv, name+"."+m.Name
		methods[m.Name] = mt
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("rpc: invalid methods: %s", strings.Join(bad, "; "))
	}
	if len(methods) == 0 {
		return nil, fmt.Errorf("rpc: type %s has no exported methods of the form M(ctx, args, *reply) error", t)
	}
	return methods, nil
}

// callStream runs a streaming method.
func (m *methodType) callStream(ctx context.Context, st *Stream) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("rpc: panic in %s.%s: %v", m.service, m.name, p)
		}
	}()
	out := m.fn.Call([]reflect.Value{m.rcvr, reflect.ValueOf(&ctx).Elem(), reflect.ValueOf(st)})
	if e := out[0].Interface(); e != nil {
		return e.(error)
	}
	return nil
}

func checkMethod(m reflect.Method) (*methodType, error) {
	mt := m.Type
	in := mt.NumIn() // includes the receiver
	if in == 3 && mt.In(1) == typeOfContext && mt.In(2) == typeOfStream {
		if mt.NumOut() != 1 || mt.Out(0) != typeOfError {
			return nil, errors.New("a streaming method must return exactly one value, of type error")
		}
		return &methodType{name: m.Name, fn: m.Func, hasCtx: true, stream: true}, nil
	}
	hasCtx := in == 4 && mt.In(1) == typeOfContext
	if !(in == 3 || hasCtx) {
		return nil, errors.New("want (ctx context.Context, args A, reply *R), (args A, reply *R) or (ctx context.Context, s *rpc.Stream)")
	}
	arg, reply := mt.In(in-2), mt.In(in-1)
	if !exportedOrBuiltin(arg) {
		return nil, fmt.Errorf("argument type %s is not exported", arg)
	}
	if reply.Kind() != reflect.Pointer {
		return nil, fmt.Errorf("reply type %s is not a pointer", reply)
	}
	if !exportedOrBuiltin(reply) {
		return nil, fmt.Errorf("reply type %s is not exported", reply)
	}
	if mt.NumOut() != 1 || mt.Out(0) != typeOfError {
		return nil, errors.New("must return exactly one value, of type error")
	}
	return &methodType{name: m.Name, fn: m.Func, hasCtx: hasCtx, argType: arg,
		argIsPtr: arg.Kind() == reflect.Pointer, replyType: reply}, nil
}

func exportedOrBuiltin(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return token.IsExported(t.Name()) || t.PkgPath() == ""
}
