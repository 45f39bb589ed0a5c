// Package mysql registers the MySQL/MariaDB driver (go-sql-driver/mysql, name "mysql")
// for orm.Open. Import it for its side effect:
//
//	import _ "github.com/gee-project/gee/orm/driver/mysql"
//
//	db, err := orm.Open("mysql", "root@tcp(127.0.0.1:3306)/app?parseTime=true")
//
// Programs that use only SQLite do not import it and so do not link the driver.
package mysql

import _ "github.com/go-sql-driver/mysql" // registers "mysql" with database/sql

// DriverName is the name to pass to orm.Open.
const DriverName = "mysql"
