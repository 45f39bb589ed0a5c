package ormbench

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/uptrace/bun"
	"gorm.io/gorm"

	"github.com/gee-project/gee/orm"
)

// relImpl is one library doing the relation cases: preload (100 users,
// each with its 10 orders, two queries) and join (the 1000 orders, each
// with its user, one JOIN).
type relImpl interface {
	preload(ctx context.Context) error
	join(ctx context.Context) error
}

const (
	relUsers     = 100
	relPerUser   = 10
	relOrderCols = "id, user_id, amount, note"
)

const ddlOrderSQLite = `CREATE TABLE bench_order (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL,
	amount INTEGER NOT NULL, note TEXT NOT NULL)`

const ddlOrderPostgres = `CREATE TABLE bench_order (id BIGSERIAL PRIMARY KEY, user_id BIGINT NOT NULL,
	amount BIGINT NOT NULL, note TEXT NOT NULL)`

// resetRelations recreates bench_user (100 rows) and bench_order (10 per
// user, interleaved so each user's orders are spread over the table).
func resetRelations(b testing.TB, d database) {
	reset(b, d)
	ctx := context.Background()
	ddl := ddlOrderSQLite
	if d.pg {
		ddl = ddlOrderPostgres
	}
	for _, q := range []string{"DROP TABLE IF EXISTS bench_order", ddl, "CREATE INDEX bench_order_user ON bench_order (user_id)"} {
		if _, err := d.db.ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	var sb strings.Builder
	args := make([]any, 0, 3*relUsers*relPerUser)
	sb.WriteString("INSERT INTO bench_order (user_id, amount, note) VALUES ")
	for k := 0; k < relPerUser; k++ {
		for u := 1; u <= relUsers; u++ {
			if len(args) > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?, ?)")
			args = append(args, int64(u), int64(k*7+u), "order note")
		}
	}
	if _, err := d.db.ExecContext(ctx, rebind(d.pg, sb.String()), args...); err != nil {
		b.Fatal(err)
	}
}

// relImpls adapts the libraries of impls. The returned keepAlive must stay
// reachable while they are used: xorm's engine (unused here) closes the
// shared pool when it is garbage collected.
func relImpls(b testing.TB, d database) (out []struct {
	name string
	impl relImpl
}, keepAlive any) {
	all := impls(b, d)
	for _, n := range all {
		var r relImpl
		switch im := n.impl.(type) {
		case *rawImpl:
			r = rawRel{im}
		case geeImpl:
			r = geeRel{im.e}
		case sqlxImpl:
			r = sqlxRel{im.db, im.raw.pg}
		case gormImpl:
			r = gormRel{im.db}
		case bunImpl:
			r = bunRel{im.db}
		default:
			continue // xorm has no eager loading of has-many
		}
		out = append(out, struct {
			name string
			impl relImpl
		}{n.name, r})
	}
	return out, all
}

func BenchmarkORMRelations(b *testing.B) {
	ctx := context.Background()
	for _, d := range databases(b) {
		list, keep := relImpls(b, d)
		resetRelations(b, d) // read-only cases: load once per database
		for _, c := range []struct {
			name string
			run  func(relImpl) error
		}{
			{"preload-100x10", func(r relImpl) error { return r.preload(ctx) }},
			{"join-1000", func(r relImpl) error { return r.join(ctx) }},
		} {
			for _, im := range list {
				b.Run(d.name+"-"+c.name+"/"+im.name, func(b *testing.B) {
					loop(b, func(int) error { return c.run(im.impl) })
				})
			}
		}
		for _, q := range []string{"DROP TABLE IF EXISTS bench_order", "DROP TABLE IF EXISTS bench_user"} {
			_, _ = d.db.Exec(q)
		}
		runtime.KeepAlive(keep)
	}
}

// TestRelationImplsAgree checks every library loads the same data.
func TestRelationImplsAgree(t *testing.T) {
	ctx := context.Background()
	for _, d := range databases(t) {
		resetRelations(t, d)
		list, keep := relImpls(t, d)
		for _, im := range list {
			if err := im.impl.preload(ctx); err != nil {
				t.Errorf("%s %s preload: %v", d.name, im.name, err)
			}
			if err := im.impl.join(ctx); err != nil {
				t.Errorf("%s %s join: %v", d.name, im.name, err)
			}
		}
		for _, q := range []string{"DROP TABLE IF EXISTS bench_order", "DROP TABLE IF EXISTS bench_user"} {
			_, _ = d.db.Exec(q)
		}
		runtime.KeepAlive(keep)
	}
}

// checkLoaded verifies n users each got relPerUser orders of their own.
func checkLoaded(n int, orders func(i int) (uid int64, got []int64)) error {
	if n != relUsers {
		return fmt.Errorf("%d users, want %d", n, relUsers)
	}
	for i := 0; i < n; i++ {
		uid, owners := orders(i)
		if len(owners) != relPerUser {
			return fmt.Errorf("user %d: %d orders, want %d", uid, len(owners), relPerUser)
		}
		for _, o := range owners {
			if o != uid {
				return fmt.Errorf("user %d got an order of user %d", uid, o)
			}
		}
	}
	return nil
}

func checkJoined(n int, pair func(i int) (orderUser, userID int64, name string)) error {
	if n != relUsers*relPerUser {
		return fmt.Errorf("%d joined rows, want %d", n, relUsers*relPerUser)
	}
	for i := 0; i < n; i++ {
		if ou, uid, name := pair(i); ou != uid || name == "" {
			return fmt.Errorf("row %d: order of user %d joined to user %d %q", i, ou, uid, name)
		}
	}
	return nil
}

// ---- gee ----

type geeRel struct{ e *orm.Engine }

func (g geeRel) preload(ctx context.Context) error {
	var us []geeUserOrders
	if err := g.e.NewSession(ctx).Preload("Orders").OrderBy("id").Limit(relUsers).Find(&us); err != nil {
		return err
	}
	return checkLoaded(len(us), func(i int) (int64, []int64) { return us[i].ID, ownersGee(us[i].Orders) })
}

func ownersGee(os []geeOrder) []int64 {
	out := make([]int64, len(os))
	for i, o := range os {
		out[i] = o.UserID
	}
	return out
}

func (g geeRel) join(ctx context.Context) error {
	var rows []geeOrderUser
	err := g.e.NewSession(ctx).Model(&geeOrder{}).Join("JOIN bench_user u ON u.id = bench_order.user_id").
		OrderBy("id").Scan(&rows)
	if err != nil {
		return err
	}
	return checkJoined(len(rows), func(i int) (int64, int64, string) {
		return rows[i].Order.UserID, rows[i].User.ID, rows[i].User.Name
	})
}

// ---- raw database/sql ----

type rawRel struct{ r *rawImpl }

func (x rawRel) preload(ctx context.Context) error {
	rows, err := x.r.db.QueryContext(ctx, rebind(x.r.pg, "SELECT id, "+cols+" FROM bench_user ORDER BY id LIMIT ?"), relUsers)
	if err != nil {
		return err
	}
	us := make([]rawUserOrders, 0, relUsers)
	for rows.Next() {
		var u rawUserOrders
		if err := rows.Scan(&u.ID, &u.Name, &u.Email, &u.Age, &u.CreatedAt); err != nil {
			rows.Close()
			return err
		}
		us = append(us, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	at := make(map[int64]int, len(us))
	args := make([]any, len(us))
	var q strings.Builder
	q.WriteString("SELECT " + relOrderCols + " FROM bench_order WHERE user_id IN (")
	for i, u := range us {
		at[u.ID] = i
		args[i] = u.ID
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("?")
	}
	q.WriteString(") ORDER BY id")
	if rows, err = x.r.db.QueryContext(ctx, rebind(x.r.pg, q.String()), args...); err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var o rawOrder
		if err := rows.Scan(&o.ID, &o.UserID, &o.Amount, &o.Note); err != nil {
			return err
		}
		u := &us[at[o.UserID]]
		u.Orders = append(u.Orders, o)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return checkLoaded(len(us), func(i int) (int64, []int64) { return us[i].ID, ownersRaw(us[i].Orders) })
}

func ownersRaw(os []rawOrder) []int64 {
	out := make([]int64, len(os))
	for i, o := range os {
		out[i] = o.UserID
	}
	return out
}

const rawJoin = "SELECT o.id, o.user_id, o.amount, o.note, u.id, u.name, u.email, u.age, u.created_at " +
	"FROM bench_order o JOIN bench_user u ON u.id = o.user_id ORDER BY o.id"

func (x rawRel) join(ctx context.Context) error {
	rows, err := x.r.db.QueryContext(ctx, rawJoin)
	if err != nil {
		return err
	}
	defer rows.Close()
	var out []rawOrderUser
	for rows.Next() {
		var r rawOrderUser
		if err := rows.Scan(&r.Order.ID, &r.Order.UserID, &r.Order.Amount, &r.Order.Note,
			&r.User.ID, &r.User.Name, &r.User.Email, &r.User.Age, &r.User.CreatedAt); err != nil {
			return err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return checkJoined(len(out), func(i int) (int64, int64, string) {
		return out[i].Order.UserID, out[i].User.ID, out[i].User.Name
	})
}

// ---- sqlx (sqlx.In for the IN list, grouping by hand) ----

type sqlxRel struct {
	db *sqlx.DB
	pg bool
}

func (x sqlxRel) preload(ctx context.Context) error {
	var us []rawUser
	if err := x.db.SelectContext(ctx, &us, rebind(x.pg, "SELECT id, "+cols+" FROM bench_user ORDER BY id LIMIT ?"), relUsers); err != nil {
		return err
	}
	ids := make([]int64, len(us))
	for i, u := range us {
		ids[i] = u.ID
	}
	q, args, err := sqlx.In("SELECT "+relOrderCols+" FROM bench_order WHERE user_id IN (?) ORDER BY id", ids)
	if err != nil {
		return err
	}
	var os []rawOrder
	if err := x.db.SelectContext(ctx, &os, x.db.Rebind(q), args...); err != nil {
		return err
	}
	full := make([]rawUserOrders, len(us))
	at := make(map[int64]int, len(us))
	for i, u := range us {
		full[i].rawUser = u
		at[u.ID] = i
	}
	for _, o := range os {
		u := &full[at[o.UserID]]
		u.Orders = append(u.Orders, o)
	}
	return checkLoaded(len(full), func(i int) (int64, []int64) { return full[i].ID, ownersRaw(full[i].Orders) })
}

func (x sqlxRel) join(ctx context.Context) error {
	var rows []sqlxOrderUser
	err := x.db.SelectContext(ctx, &rows, "SELECT o.id, o.user_id, o.amount, o.note, u.name AS u_name, u.email AS u_email, "+
		"u.age AS u_age, u.created_at AS u_created_at FROM bench_order o JOIN bench_user u ON u.id = o.user_id ORDER BY o.id")
	if err != nil {
		return err
	}
	return checkJoined(len(rows), func(i int) (int64, int64, string) { return rows[i].UserID, rows[i].UserID, rows[i].UName })
}

// ---- gorm: Preload, and Joins on a belongs-to ----

type gormRel struct{ db *gorm.DB }

func (g gormRel) preload(ctx context.Context) error {
	var us []gormUserOrders
	if err := g.db.WithContext(ctx).Preload("Orders").Order("id").Limit(relUsers).Find(&us).Error; err != nil {
		return err
	}
	return checkLoaded(len(us), func(i int) (int64, []int64) {
		out := make([]int64, len(us[i].Orders))
		for k, o := range us[i].Orders {
			out[k] = o.UserID
		}
		return us[i].ID, out
	})
}

func (g gormRel) join(ctx context.Context) error {
	var os []gormOrder
	if err := g.db.WithContext(ctx).Joins("User").Order("bench_order.id").Find(&os).Error; err != nil {
		return err
	}
	return checkJoined(len(os), func(i int) (int64, int64, string) {
		if os[i].User == nil {
			return os[i].UserID, 0, ""
		}
		return os[i].UserID, os[i].User.ID, os[i].User.Name
	})
}

// ---- bun: Relation (a second query for has-many, a JOIN for belongs-to) ----

type bunRel struct{ db *bun.DB }

func (x bunRel) preload(ctx context.Context) error {
	var us []bunUserOrders
	if err := x.db.NewSelect().Model(&us).Relation("Orders").Order("u.id").Limit(relUsers).Scan(ctx); err != nil {
		return err
	}
	return checkLoaded(len(us), func(i int) (int64, []int64) {
		out := make([]int64, len(us[i].Orders))
		for k, o := range us[i].Orders {
			out[k] = o.UserID
		}
		return us[i].ID, out
	})
}

func (x bunRel) join(ctx context.Context) error {
	var os []bunOrder
	if err := x.db.NewSelect().Model(&os).Relation("User").Order("o.id").Scan(ctx); err != nil {
		return err
	}
	return checkJoined(len(os), func(i int) (int64, int64, string) {
		if os[i].User == nil {
			return os[i].UserID, 0, ""
		}
		return os[i].UserID, os[i].User.ID, os[i].User.Name
	})
}
