package ormbench

import (
	"time"

	"github.com/uptrace/bun"
)

// Each library gets its own row type with its own tags; all map to the same
// bench_user table.

type geeUser struct {
	ID        int64 `orm:"primaryKey;autoIncrement"`
	Name      string
	Email     string
	Age       int64
	CreatedAt time.Time
}

func (geeUser) TableName() string { return "bench_user" }

type rawUser struct {
	ID        int64     `db:"id"`
	Name      string    `db:"name"`
	Email     string    `db:"email"`
	Age       int64     `db:"age"`
	CreatedAt time.Time `db:"created_at"`
}

type gormUser struct {
	ID        int64 `gorm:"primaryKey;autoIncrement"`
	Name      string
	Email     string
	Age       int64
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
}

func (gormUser) TableName() string { return "bench_user" }

type bunUser struct {
	bun.BaseModel `bun:"table:bench_user"`
	ID            int64 `bun:"id,pk,autoincrement"`
	Name          string
	Email         string
	Age           int64
	CreatedAt     time.Time
}

type xormUser struct {
	ID        int64 `xorm:"pk autoincr 'id'"`
	Name      string
	Email     string
	Age       int64
	CreatedAt time.Time
}

func (xormUser) TableName() string { return "bench_user" }

var stamp = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
