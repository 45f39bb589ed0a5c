// Package postgres registers the PostgreSQL driver (pgx's database/sql driver, name "pgx")
// for orm.Open. Import it for its side effect:
//
//	import _ "github.com/gee-project/gee/orm/driver/postgres"
//
//	db, err := orm.Open("pgx", "postgres://user@127.0.0.1:5432/app?sslmode=disable")
//
// Programs that use only SQLite do not import it and so do not link pgx.
package postgres

import _ "github.com/jackc/pgx/v5/stdlib" // registers "pgx" with database/sql

// DriverName is the name to pass to orm.Open.
const DriverName = "pgx"
