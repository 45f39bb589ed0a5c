package httppool

import (
	"context"
	"encoding/hex"
	"strconv"
	"time"
)

type echoGetter struct{}

func (echoGetter) Get(_ context.Context, key string) ([]byte, time.Time, error) {
	return []byte(key), time.Time{}, nil
}

func itoa(n int64) string  { return strconv.FormatInt(n, 10) }
func hexs(b []byte) string { return hex.EncodeToString(b) }
