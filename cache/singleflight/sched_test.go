package singleflight

import "runtime"

func runtimeGosched() { runtime.Gosched() }
