package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// The history file holds one entry per line; an entry of several lines is
// stored as multiPrefix and the entry quoted as a Go string. No Monkey input
// starts with '#', so plain lines never look like one.
const multiPrefix = "#multi "

// maxHistory is how many entries loadHistory keeps (the newest).
const maxHistory = 1000

// loadHistory reads the entries of the history file, oldest first.
func loadHistory(file string) []string {
	f, err := os.Open(file)
	if err != nil {
		return nil
	}
	defer f.Close()
	var entries []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, multiPrefix); ok {
			if entry, err := strconv.Unquote(rest); err == nil {
				line = entry
			}
		}
		if strings.TrimSpace(line) != "" {
			entries = append(entries, line)
		}
	}
	if len(entries) > maxHistory {
		entries = entries[len(entries)-maxHistory:]
	}
	return entries
}

// appendHistory adds entry to the history file (errors are ignored: history
// is a convenience).
func appendHistory(file, entry string) {
	if file == "" {
		return
	}
	f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return
	}
	defer f.Close()
	if strings.Contains(entry, "\n") {
		entry = multiPrefix + strconv.Quote(entry)
	}
	_, _ = f.WriteString(entry + "\n")
}
