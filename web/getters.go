package web

import "time"

// getAs returns the value under key if it has type T, else T's zero value.
func getAs[T any](c *Context, key string) T {
	v, _ := c.Get(key)
	t, _ := v.(T)
	return t
}

// GetBool returns the bool stored under key, or false.
func (c *Context) GetBool(key string) bool { return getAs[bool](c, key) }

// GetInt returns the int stored under key, or 0.
func (c *Context) GetInt(key string) int { return getAs[int](c, key) }

// GetInt64 returns the int64 stored under key, or 0.
func (c *Context) GetInt64(key string) int64 { return getAs[int64](c, key) }

// GetUint returns the uint stored under key, or 0.
func (c *Context) GetUint(key string) uint { return getAs[uint](c, key) }

// GetUint64 returns the uint64 stored under key, or 0.
func (c *Context) GetUint64(key string) uint64 { return getAs[uint64](c, key) }

// GetFloat64 returns the float64 stored under key, or 0.
func (c *Context) GetFloat64(key string) float64 { return getAs[float64](c, key) }

// GetTime returns the time.Time stored under key, or the zero time.
func (c *Context) GetTime(key string) time.Time { return getAs[time.Time](c, key) }

// GetDuration returns the time.Duration stored under key, or 0.
func (c *Context) GetDuration(key string) time.Duration { return getAs[time.Duration](c, key) }

// GetStringSlice returns the []string stored under key, or nil.
func (c *Context) GetStringSlice(key string) []string { return getAs[[]string](c, key) }

// GetStringMap returns the map[string]any stored under key, or nil.
func (c *Context) GetStringMap(key string) map[string]any { return getAs[map[string]any](c, key) }

// GetStringMapString returns the map[string]string stored under key, or nil.
func (c *Context) GetStringMapString(key string) map[string]string {
	return getAs[map[string]string](c, key)
}

// GetStringMapStringSlice returns the map[string][]string stored under key, or nil.
func (c *Context) GetStringMapStringSlice(key string) map[string][]string {
	return getAs[map[string][]string](c, key)
}
