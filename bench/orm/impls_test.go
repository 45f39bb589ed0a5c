package ormbench

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/uptrace/bun"
	"gorm.io/gorm"
	"xorm.io/xorm"

	"github.com/gee-project/gee/orm"
)

// impl is one library doing the five benchmarked operations.
type impl interface {
	insertOne(ctx context.Context, i int) error
	insertMany(ctx context.Context, n int) error
	updateOne(ctx context.Context, id int64, i int) error
	readOne(ctx context.Context, id int64) error
	readMany(ctx context.Context, n int) error
}

// rebind turns ? placeholders into $n for PostgreSQL.
func rebind(pg bool, q string) string {
	if !pg {
		return q
	}
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

const cols = "name, email, age, created_at"

func multiInsert(pg bool, n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO bench_user (" + cols + ") VALUES ")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?)")
	}
	if pg {
		b.WriteString(" RETURNING id")
	}
	return rebind(pg, b.String())
}

// ---- raw database/sql, unprepared ----

type rawImpl struct {
	db                              *sql.DB
	pg                              bool
	ins, upd, one, many, insMany100 string
}

func newRaw(db *sql.DB, pg bool) *rawImpl {
	ins := "INSERT INTO bench_user (" + cols + ") VALUES (?, ?, ?, ?)"
	if pg {
		ins += " RETURNING id"
	}
	return &rawImpl{db: db, pg: pg, ins: rebind(pg, ins),
		upd:        rebind(pg, "UPDATE bench_user SET name = ?, email = ?, age = ?, created_at = ? WHERE id = ?"),
		one:        rebind(pg, "SELECT id, "+cols+" FROM bench_user WHERE id = ?"),
		many:       rebind(pg, "SELECT id, "+cols+" FROM bench_user LIMIT ?"),
		insMany100: multiInsert(pg, 100)}
}

func (r *rawImpl) insertOne(ctx context.Context, i int) error {
	u := rawUser{Name: "name", Email: "e@x", Age: int64(i), CreatedAt: stamp}
	if r.pg {
		return r.db.QueryRowContext(ctx, r.ins, u.Name, u.Email, u.Age, u.CreatedAt).Scan(&u.ID)
	}
	res, err := r.db.ExecContext(ctx, r.ins, u.Name, u.Email, u.Age, u.CreatedAt)
	if err != nil {
		return err
	}
	u.ID, err = res.LastInsertId()
	return err
}

func (r *rawImpl) insertMany(ctx context.Context, n int) error {
	us := make([]rawUser, n)
	args := make([]any, 0, 4*n)
	for i := range us {
		us[i] = rawUser{Name: "name", Email: "e@x", Age: int64(i), CreatedAt: stamp}
		args = append(args, us[i].Name, us[i].Email, us[i].Age, us[i].CreatedAt)
	}
	if !r.pg {
		res, err := r.db.ExecContext(ctx, r.insMany100, args...)
		if err != nil {
			return err
		}
		last, err := res.LastInsertId()
		for i := range us {
			us[i].ID = last - int64(n-1-i)
		}
		return err
	}
	rows, err := r.db.QueryContext(ctx, r.insMany100, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for i := 0; rows.Next(); i++ {
		if err := rows.Scan(&us[i].ID); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (r *rawImpl) updateOne(ctx context.Context, id int64, i int) error {
	u := rawUser{ID: id, Name: "upd", Email: "u@x", Age: int64(i), CreatedAt: stamp}
	_, err := r.db.ExecContext(ctx, r.upd, u.Name, u.Email, u.Age, u.CreatedAt, u.ID)
	return err
}

func (r *rawImpl) readOne(ctx context.Context, id int64) error {
	var u rawUser
	return r.db.QueryRowContext(ctx, r.one, id).Scan(&u.ID, &u.Name, &u.Email, &u.Age, &u.CreatedAt)
}

func (r *rawImpl) readMany(ctx context.Context, n int) error {
	rows, err := r.db.QueryContext(ctx, r.many, n)
	if err != nil {
		return err
	}
	defer rows.Close()
	var us []rawUser
	for rows.Next() {
		var u rawUser
		if err := rows.Scan(&u.ID, &u.Name, &u.Email, &u.Age, &u.CreatedAt); err != nil {
			return err
		}
		us = append(us, u)
	}
	if len(us) != n {
		return fmt.Errorf("read %d rows, want %d", len(us), n)
	}
	return rows.Err()
}

// ---- gee ----

type geeImpl struct{ e *orm.Engine }

func (g geeImpl) insertOne(ctx context.Context, i int) error {
	u := geeUser{Name: "name", Email: "e@x", Age: int64(i), CreatedAt: stamp}
	_, err := g.e.NewSession(ctx).Insert(&u)
	return err
}

func (g geeImpl) insertMany(ctx context.Context, n int) error {
	us := make([]geeUser, n)
	for i := range us {
		us[i] = geeUser{Name: "name", Email: "e@x", Age: int64(i), CreatedAt: stamp}
	}
	_, err := g.e.NewSession(ctx).Insert(us)
	return err
}

func (g geeImpl) updateOne(ctx context.Context, id int64, i int) error {
	u := geeUser{ID: id, Name: "upd", Email: "u@x", Age: int64(i), CreatedAt: stamp}
	_, err := g.e.NewSession(ctx).Update(&u)
	return err
}

func (g geeImpl) readOne(ctx context.Context, id int64) error {
	var u geeUser
	return g.e.NewSession(ctx).Get(&u, id)
}

func (g geeImpl) readMany(ctx context.Context, n int) error {
	var us []geeUser
	if err := g.e.NewSession(ctx).Limit(n).Find(&us); err != nil {
		return err
	}
	if len(us) != n {
		return fmt.Errorf("read %d rows, want %d", len(us), n)
	}
	return nil
}

// ---- sqlx ----

type sqlxImpl struct {
	db  *sqlx.DB
	raw *rawImpl
}

func (x sqlxImpl) insertOne(ctx context.Context, i int) error {
	u := rawUser{Name: "name", Email: "e@x", Age: int64(i), CreatedAt: stamp}
	q := "INSERT INTO bench_user (" + cols + ") VALUES (:name, :email, :age, :created_at)"
	if x.raw.pg {
		rows, err := x.db.NamedQueryContext(ctx, q+" RETURNING id", &u)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := rows.Scan(&u.ID); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	res, err := x.db.NamedExecContext(ctx, q, &u)
	if err != nil {
		return err
	}
	u.ID, err = res.LastInsertId()
	return err
}

func (x sqlxImpl) insertMany(ctx context.Context, n int) error {
	us := make([]rawUser, n)
	for i := range us {
		us[i] = rawUser{Name: "name", Email: "e@x", Age: int64(i), CreatedAt: stamp}
	}
	_, err := x.db.NamedExecContext(ctx, "INSERT INTO bench_user ("+cols+") VALUES (:name, :email, :age, :created_at)", us)
	return err
}

func (x sqlxImpl) updateOne(ctx context.Context, id int64, i int) error {
	u := rawUser{ID: id, Name: "upd", Email: "u@x", Age: int64(i), CreatedAt: stamp}
	_, err := x.db.NamedExecContext(ctx, "UPDATE bench_user SET name = :name, email = :email, age = :age, created_at = :created_at WHERE id = :id", &u)
	return err
}

func (x sqlxImpl) readOne(ctx context.Context, id int64) error {
	var u rawUser
	return x.db.GetContext(ctx, &u, x.raw.one, id)
}

func (x sqlxImpl) readMany(ctx context.Context, n int) error {
	var us []rawUser
	return x.db.SelectContext(ctx, &us, x.raw.many, n)
}

// ---- gorm ----

type gormImpl struct{ db *gorm.DB }

func (g gormImpl) insertOne(ctx context.Context, i int) error {
	u := gormUser{Name: "name", Email: "e@x", Age: int64(i), CreatedAt: stamp}
	return g.db.WithContext(ctx).Create(&u).Error
}

func (g gormImpl) insertMany(ctx context.Context, n int) error {
	us := make([]gormUser, n)
	for i := range us {
		us[i] = gormUser{Name: "name", Email: "e@x", Age: int64(i), CreatedAt: stamp}
	}
	return g.db.WithContext(ctx).Create(&us).Error
}

func (g gormImpl) updateOne(ctx context.Context, id int64, i int) error {
	u := gormUser{ID: id, Name: "upd", Email: "u@x", Age: int64(i), CreatedAt: stamp}
	return g.db.WithContext(ctx).Save(&u).Error
}

func (g gormImpl) readOne(ctx context.Context, id int64) error {
	var u gormUser
	return g.db.WithContext(ctx).Take(&u, id).Error
}

func (g gormImpl) readMany(ctx context.Context, n int) error {
	var us []gormUser
	return g.db.WithContext(ctx).Limit(n).Find(&us).Error
}

// ---- bun ----

type bunImpl struct{ db *bun.DB }

func (x bunImpl) insertOne(ctx context.Context, i int) error {
	u := bunUser{Name: "name", Email: "e@x", Age: int64(i), CreatedAt: stamp}
	_, err := x.db.NewInsert().Model(&u).Exec(ctx)
	return err
}

func (x bunImpl) insertMany(ctx context.Context, n int) error {
	us := make([]bunUser, n)
	for i := range us {
		us[i] = bunUser{Name: "name", Email: "e@x", Age: int64(i), CreatedAt: stamp}
	}
	_, err := x.db.NewInsert().Model(&us).Exec(ctx)
	return err
}

func (x bunImpl) updateOne(ctx context.Context, id int64, i int) error {
	u := bunUser{ID: id, Name: "upd", Email: "u@x", Age: int64(i), CreatedAt: stamp}
	_, err := x.db.NewUpdate().Model(&u).WherePK().Exec(ctx)
	return err
}

func (x bunImpl) readOne(ctx context.Context, id int64) error {
	var u bunUser
	return x.db.NewSelect().Model(&u).Where("id = ?", id).Scan(ctx)
}

func (x bunImpl) readMany(ctx context.Context, n int) error {
	var us []bunUser
	return x.db.NewSelect().Model(&us).Limit(int64(n)).Scan(ctx)
}

// ---- xorm ----

type xormImpl struct{ e *xorm.Engine }

func (x xormImpl) insertOne(ctx context.Context, i int) error {
	u := xormUser{Name: "name", Email: "e@x", Age: int64(i), CreatedAt: stamp}
	_, err := x.e.Context(ctx).Insert(&u)
	return err
}

func (x xormImpl) insertMany(ctx context.Context, n int) error {
	us := make([]xormUser, n)
	for i := range us {
		us[i] = xormUser{Name: "name", Email: "e@x", Age: int64(i), CreatedAt: stamp}
	}
	_, err := x.e.Context(ctx).Insert(&us)
	return err
}

func (x xormImpl) updateOne(ctx context.Context, id int64, i int) error {
	u := xormUser{ID: id, Name: "upd", Email: "u@x", Age: int64(i), CreatedAt: stamp}
	_, err := x.e.Context(ctx).ID(id).AllCols().Update(&u)
	return err
}

func (x xormImpl) readOne(ctx context.Context, id int64) error {
	var u xormUser
	ok, err := x.e.Context(ctx).ID(id).Get(&u)
	if err == nil && !ok {
		err = fmt.Errorf("xorm: row %d not found", id)
	}
	return err
}

func (x xormImpl) readMany(ctx context.Context, n int) error {
	var us []xormUser
	return x.e.Context(ctx).Limit(n).Find(&us)
}
