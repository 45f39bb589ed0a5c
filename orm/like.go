package orm

import "strings"

// LikeEscape is the escape character EscapeLike uses; write the pattern
// condition as `col LIKE ? ESCAPE '!'` (the same text works on SQLite,
// PostgreSQL and MySQL, unlike a backslash, which MySQL string literals
// themselves escape).
const LikeEscape = '!'

var likeEscaper = strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")

// EscapeLike makes s match itself literally inside a LIKE pattern, so user
// input can be embedded: Where("name LIKE ? ESCAPE '!'", "%"+EscapeLike(q)+"%").
func EscapeLike(s string) string { return likeEscaper.Replace(s) }
