package ormbench

import (
	"time"

	"github.com/uptrace/bun"
)

// Rows of the relation cases: bench_user (100 rows) has many bench_order
// (10 per user). Each library gets its own types.

type geeOrder struct {
	ID     int64
	UserID int64
	Amount int64
	Note   string
}

func (geeOrder) TableName() string { return "bench_order" }

type geeUserOrders struct {
	ID        int64
	Name      string
	Email     string
	Age       int64
	CreatedAt time.Time
	Orders    []geeOrder `orm:"foreignKey:UserID"`
}

func (geeUserOrders) TableName() string { return "bench_user" }

// geeOrderUser is a join row: an order and its user from one JOIN.
type geeOrderUser struct {
	Order geeOrder
	User  geeUser `orm:"alias:u"`
}

type rawOrder struct {
	ID     int64  `db:"id"`
	UserID int64  `db:"user_id"`
	Amount int64  `db:"amount"`
	Note   string `db:"note"`
}

type rawUserOrders struct {
	rawUser
	Orders []rawOrder
}

type rawOrderUser struct {
	Order rawOrder
	User  rawUser
}

// sqlxOrderUser is the flat row sqlx scans a JOIN into (columns aliased).
type sqlxOrderUser struct {
	ID       int64     `db:"id"`
	UserID   int64     `db:"user_id"`
	Amount   int64     `db:"amount"`
	Note     string    `db:"note"`
	UName    string    `db:"u_name"`
	UEmail   string    `db:"u_email"`
	UAge     int64     `db:"u_age"`
	UCreated time.Time `db:"u_created_at"`
}

type gormOrder struct {
	ID     int64
	UserID int64
	Amount int64
	Note   string
	User   *gormUser `gorm:"foreignKey:UserID"`
}

func (gormOrder) TableName() string { return "bench_order" }

type gormUserOrders struct {
	ID        int64 `gorm:"primaryKey;autoIncrement"`
	Name      string
	Email     string
	Age       int64
	CreatedAt time.Time   `gorm:"autoCreateTime:false"`
	Orders    []gormOrder `gorm:"foreignKey:UserID"`
}

func (gormUserOrders) TableName() string { return "bench_user" }

type bunOrder struct {
	bun.BaseModel `bun:"table:bench_order,alias:o"`
	ID            int64 `bun:"id,pk,autoincrement"`
	UserID        int64
	Amount        int64
	Note          string
	User          *bunUser `bun:"rel:belongs-to,join:user_id=id"`
}

type bunUserOrders struct {
	bun.BaseModel `bun:"table:bench_user,alias:u"`
	ID            int64 `bun:"id,pk,autoincrement"`
	Name          string
	Email         string
	Age           int64
	CreatedAt     time.Time
	Orders        []bunOrder `bun:"rel:has-many,join:id=user_id"`
}
