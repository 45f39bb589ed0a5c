package cache

// ownerFailed logs that owner did not answer, once until it answers again.
func (g *Group) ownerFailed(owner string, err error) {
	if g.opts.Logger == nil {
		return
	}
	if _, was := g.down.LoadOrStore(owner, struct{}{}); !was {
		g.opts.Logger.Warn("cache: owner did not answer; this node loads its keys itself until it does",
			"group", g.name, "owner", owner, "err", err)
	}
}

// ownerAnswered logs the end of owner's outage, if one was logged.
func (g *Group) ownerAnswered(owner string) {
	if g.opts.Logger == nil {
		return
	}
	if _, was := g.down.LoadAndDelete(owner); was {
		g.opts.Logger.Info("cache: owner answers again", "group", g.name, "owner", owner)
	}
}
