// TinyKV dashboard: polls /dashboard/api/* and renders with textContent only (keys are user data).
'use strict';
(function () {
  const params = new URLSearchParams(location.search);
  let interval = parseInt(params.get('interval') || '1000', 10);
  if (!(interval >= 100 && interval <= 60000)) interval = 1000;
  const page = { offset: 0, limit: 100, store: '', key: null, total: 0 };
  let timer = null, inflight = false, again = false, refreshes = 0;

  const $ = (id) => document.getElementById(id);
  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function row(cells) {
    const tr = document.createElement('tr');
    for (const c of cells) tr.appendChild(c);
    return tr;
  }
  const td = (text, cls) => el('td', text, cls);

  function bytes(n) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? String(n) : n.toFixed(1)) + ' ' + units[i];
  }
  const perSec = (v) => (v || 0).toFixed(1);
  function age(ms) {
    if (ms < 0) return 'never';
    if (ms < 60000) return (ms / 1000).toFixed(1) + ' s ago';
    if (ms < 3600000) return Math.floor(ms / 60000) + ' min ago';
    return (ms / 3600000).toFixed(1) + ' h ago';
  }
  const shownKey = (k, edge) => (k === '' ? edge : k);

  async function getJSON(path) {
    let resp;
    try {
      // A hung scheduler must show as an error, not as a page that silently stops changing.
      resp = await fetch(path, { cache: 'no-store', signal: AbortSignal.timeout(Math.max(5000, 3 * interval)) });
    } catch (e) {
      throw new Error(path + ': ' + e.message);
    }
    let body = null;
    try { body = await resp.json(); } catch (e) { /* reported below */ }
    if (!resp.ok) throw new Error(path + ': HTTP ' + resp.status + (body && body.error ? ': ' + body.error : ''));
    if (body === null) throw new Error(path + ': response is not JSON');
    return body;
  }

  function regionsURL() {
    const q = new URLSearchParams();
    q.set('limit', String(page.limit));
    if (page.store) q.set('store', page.store);
    if (page.key !== null) q.set('key', page.key); else q.set('offset', String(page.offset));
    return '/dashboard/api/regions?' + q.toString();
  }

  function card(label, value) {
    const d = el('div', null, 'card');
    d.appendChild(el('div', label, 'label'));
    d.appendChild(el('div', value, 'value'));
    return d;
  }

  function renderSummary(s) {
    $('cluster-id').textContent = s.cluster_id;
    const t = s.totals;
    const states = Object.keys(t.states).sort().map((k) => t.states[k] + ' ' + k).join(', ');
    $('totals').replaceChildren(
      card('Stores', t.stores + (states ? ' (' + states + ')' : '')),
      card('Regions', s.region_count),
      card('Replicas', t.replicas),
      card('Leaders', t.leaders),
      card('Used / capacity', bytes(t.used_size) + ' / ' + bytes(t.capacity)),
      card('Requests/s', perSec(t.requests_per_sec)),
      card('Commits/s', perSec(t.commits_per_sec)));
    const rows = s.stores.map((st) => {
      const tr = row([
        td(st.id, 'num'), td(st.address), td(st.state, 'state state-' + st.state),
        td(st.replicas, 'num'), td(st.leaders, 'num'),
        td(bytes(st.used_size), 'num'), td(bytes(st.capacity), 'num'), td(bytes(st.available), 'num'),
        td(perSec(st.requests_per_sec), 'num'), td(perSec(st.commits_per_sec), 'num'),
        td(age(st.heartbeat_age_ms), 'num')]);
      tr.dataset.storeId = String(st.id);
      tr.dataset.storeState = st.state;
      tr.dataset.replicas = String(st.replicas);
      tr.dataset.leaders = String(st.leaders);
      return tr;
    });
    $('stores-body').replaceChildren(...rows);
    syncStoreFilter(s.stores.map((st) => String(st.id)));
    renderOperators(s.operators, s.time_unix_ms);
  }

  function syncStoreFilter(ids) {
    const sel = $('filter-store');
    const have = Array.from(sel.options).slice(1).map((o) => o.value);
    if (have.join(',') === ids.join(',')) return;
    const opts = [el('option', 'all')];
    opts[0].value = '';
    for (const id of ids) {
      const o = el('option', 'store ' + id);
      o.value = id;
      opts.push(o);
    }
    sel.replaceChildren(...opts);
    sel.value = page.store;
  }

  function renderOperators(ops, now) {
    const rows = ops.map((op) => {
      const took = (op.end_unix_ms || now) - op.start_unix_ms;
      return row([
        td(op.region_id, 'num'), td(op.kind), td(op.desc), td(op.status, 'status-' + op.status), td(op.source),
        td(op.start_unix_ms ? new Date(op.start_unix_ms).toLocaleTimeString() : ''),
        td(op.start_unix_ms ? (took / 1000).toFixed(1) + ' s' : '', 'num')]);
    });
    if (rows.length === 0) {
      const c = td('no operators yet');
      c.colSpan = 7;
      rows.push(row([c]));
    }
    $('operators-body').replaceChildren(...rows);
  }

  function renderHeatmap(h) {
    const grid = $('heatmap');
    grid.style.gridTemplateColumns = '6em repeat(' + Math.max(h.buckets.length, 1) + ', minmax(3px, 1fr))';
    const cells = [];
    h.stores.forEach((id, col) => {
      cells.push(el('div', 'store ' + id, 'rowlabel'));
      for (const b of h.buckets) {
        const c = el('div', null, 'cell');
        const rep = b.replicas[col], lead = b.leaders[col];
        const fill = el('div', null, 'fill');
        fill.style.opacity = String(b.regions ? rep / b.regions : 0);
        const l = el('div', null, 'lead');
        l.style.height = String(b.regions ? 100 * lead / b.regions : 0) + '%';
        c.append(fill, l);
        c.title = 'store ' + id + ' · keys ' + shownKey(b.start_key, '−∞') + ' … ' + shownKey(b.end_key, '+∞') +
          ' · ' + b.regions + ' regions, ' + rep + ' replicas, ' + lead + ' leaders';
        c.dataset.replicas = String(rep);
        c.dataset.leaders = String(lead);
        cells.push(c);
      }
    });
    grid.replaceChildren(...cells);
    $('heatmap-note').textContent = h.region_count + ' regions in key order, ' + h.buckets.length +
      ' buckets of up to ' + h.bucket_size + ' consecutive regions; one row per store.';
  }

  function placement(r, stores) {
    const g = el('span', null, 'grid');
    const role = {};
    for (const p of r.peers) role[p.store_id] = p.learner ? 'learner' : 'follower';
    if (r.leader_store_id && role[r.leader_store_id]) role[r.leader_store_id] = 'leader';
    for (const id of stores) {
      const kind = role[id] || 'none';
      const s = el('span', null, kind);
      s.title = 'store ' + id + ': ' + kind;
      g.appendChild(s);
    }
    return g;
  }

  function renderRegions(res) {
    page.total = res.total;
    const rows = res.regions.map((r) => {
      const peers = r.peers.map((p) => p.id + '@s' + p.store_id + (p.learner ? ' (learner)' : '')).join(', ');
      const trouble = (r.down_peers.length ? 'down ' + r.down_peers.join(',') : '') +
        (r.pending_peers.length ? ' pending ' + r.pending_peers.join(',') : '');
      const grid = td(null);
      grid.appendChild(placement(r, res.stores));
      const tr = row([
        td(r.id, 'num'), td(shownKey(r.start_key, '−∞'), 'key'), td(shownKey(r.end_key, '+∞'), 'key'),
        td(r.conf_ver + '/' + r.version), td(peers), td(r.leader_store_id || '—', 'num'),
        td(bytes(r.approximate_size), 'num'), td(trouble.trim()), grid]);
      tr.dataset.regionId = String(r.id);
      return tr;
    });
    $('regions-body').replaceChildren(...rows);
    const last = Math.min(res.offset + res.regions.length, res.total);
    $('page-info').textContent = res.total ? (res.offset + 1) + '–' + last + ' of ' + res.total : 'no regions';
    $('prev').disabled = res.offset <= 0;
    $('next').disabled = last >= res.total;
  }

  async function refresh() {
    if (inflight) { again = true; return; }
    inflight = true;
    clearTimeout(timer);
    try {
      const [sum, rep, regs] = await Promise.all([
        getJSON('/dashboard/api/summary'), getJSON('/dashboard/api/replicas'), getJSON(regionsURL())]);
      if (page.key !== null) { page.offset = regs.offset; page.key = null; }
      renderSummary(sum);
      renderHeatmap(rep);
      renderRegions(regs);
      refreshes++;
      const u = $('updated');
      u.textContent = new Date().toLocaleTimeString();
      u.dataset.refreshes = String(refreshes);
      $('error').textContent = '';
    } catch (e) {
      page.key = null; // a bad key is reported once, not on every poll
      $('error').textContent = String(e && e.message ? e.message : e);
    } finally {
      inflight = false;
      timer = setTimeout(refresh, again ? 0 : interval);
      again = false;
    }
  }

  $('interval').textContent = interval + ' ms';
  $('region-filter').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const k = $('filter-key').value;
    page.key = k === '' ? null : k;
    page.offset = 0;
    refresh();
  });
  $('filter-store').addEventListener('change', (ev) => {
    page.store = ev.target.value;
    page.offset = 0;
    page.key = null;
    refresh();
  });
  $('prev').addEventListener('click', () => { page.offset = Math.max(page.offset - page.limit, 0); refresh(); });
  $('next').addEventListener('click', () => {
    if (page.offset + page.limit < page.total) page.offset += page.limit;
    refresh();
  });
  refresh();
})();
