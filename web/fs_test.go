package web

import (
	"bufio"
	"embed"
	"strings"
)

//go:embed testdata
var testFS embed.FS

func bufioReader(s string) *bufio.Reader { return bufio.NewReader(strings.NewReader(s)) }
