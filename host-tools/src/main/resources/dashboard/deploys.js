// The fleet deploy view (on the fleet page): every rollout that `spindle deploy` publishes on
// spindle/v1/{fleet}/_rollout/{id}, live: waves, a compact cell per board (colour = state), and a
// paged list of the boards that are in a step or failed, with progress and reasons. Everything
// from the broker is put into the page as text.
'use strict';

(() => {
  const {el, ago} = Spindle;
  const PAGE = 20;
  const SHOWN = 5; // rollouts shown; older ones are summarised in one line
  const rollouts = new Map(); // id -> last message
  const pages = new Map(); // id -> page of the attention list
  const cards = new Map(); // id -> {r, node}: a card is rebuilt only when its rollout changed
  let pending = false;
  const box = document.getElementById('deploys');
  const FAILED = new Set(['failed', 'rolled_back', 'timed_out']);
  const STEP = new Set(['transferring', 'installing', 'health_check']);

  function schedule() {
    if (!pending) {
      pending = true;
      requestAnimationFrame(() => { pending = false; render(); });
    }
  }

  function pct(b) {
    return b.total > 0 ? Math.min(100, Math.floor((100 * b.bytes) / b.total)) : 0;
  }

  function describe(b) {
    let s = b.board + ': ' + b.state;
    if (b.state === 'transferring' && b.total > 0) s += ' ' + pct(b) + '%';
    if (b.version) s += ' (' + b.version + ')';
    if (b.reason) s += ': ' + b.reason;
    return s;
  }

  function waveBars(r) {
    const ends = (r.plan && r.plan.wave_ends) || [];
    const out = el('div', {className: 'waves'});
    ends.forEach((end, i) => {
      const w = i + 1;
      const of = r.boards.filter((b) => b.wave === w);
      const n = {done: 0, bad: 0, step: 0};
      for (const b of of) {
        if (b.state === 'done') n.done++;
        else if (FAILED.has(b.state)) n.bad++;
        else if (STEP.has(b.state)) n.step++;
      }
      const bar = el('div', {className: 'bar'});
      for (const [k, v] of Object.entries(n)) {
        if (v === 0) continue;
        const seg = el('span', {className: 'seg seg-' + k});
        seg.style.width = (100 * v / Math.max(1, of.length)) + '%';
        bar.append(seg);
      }
      const current = r.wave === w && !r.finished;
      out.append(el('div', {className: 'wave' + (current ? ' current' : ''), dataset: {wave: String(w)}},
        el('span', {className: 'wname'}, 'wave ' + w), bar,
        el('span', {className: 'wcount'}, n.done + '/' + of.length + ' done' +
          (n.bad ? ', ' + n.bad + ' failed' : '') + (n.step ? ', ' + n.step + ' running' : ''))));
    });
    return out;
  }

  function grid(r) {
    const g = el('div', {className: 'cells'});
    for (const b of r.boards) {
      const a = el('a', {className: 'cell s-' + b.state, href: '/board/' + encodeURIComponent(b.board),
        title: describe(b), dataset: {board: b.board, state: b.state}});
      if (b.state === 'transferring' && b.total > 0) {
        const fill = el('span', {className: 'fill'});
        fill.style.height = pct(b) + '%';
        a.append(fill);
      }
      g.append(a);
    }
    return g;
  }

  function attention(r) {
    const list = r.boards.filter((b) => STEP.has(b.state) || FAILED.has(b.state));
    list.sort((x, y) => (FAILED.has(y.state) ? 1 : 0) - (FAILED.has(x.state) ? 1 : 0));
    const wrap = el('div', {className: 'attention'});
    if (list.length === 0) return wrap;
    const np = Math.max(1, Math.ceil(list.length / PAGE));
    const p = Math.min(pages.get(r.id) || 0, np - 1);
    const rows = list.slice(p * PAGE, p * PAGE + PAGE).map((b) => {
      let progress = '';
      if (b.state === 'transferring' && b.total > 0) {
        progress = el('progress', {max: String(b.total), value: String(b.bytes)});
      }
      return el('tr', {className: 's-' + b.state, dataset: {board: b.board, state: b.state}},
        el('td', null, el('a', {href: '/board/' + encodeURIComponent(b.board)}, b.board)),
        el('td', null, 'wave ' + b.wave),
        el('td', {className: 'state'}, b.state + (b.timed_out_in ? ' (in ' + b.timed_out_in + ')' : '')),
        el('td', null, progress, b.state === 'transferring' && b.total > 0 ? ' ' + pct(b) + '%' : ''),
        el('td', {className: 'reason'}, b.reason || ''));
    });
    const table = el('table', {className: 'deploy-boards'},
      el('thead', null, el('tr', null, el('th', null, 'Board'), el('th', null, 'Wave'), el('th', null, 'State'),
        el('th', null, 'Progress'), el('th', null, 'Reason'))),
      el('tbody', null, ...rows));
    wrap.append(table);
    if (np > 1) {
      const prev = el('button', {type: 'button'}, '←');
      const next = el('button', {type: 'button'}, '→');
      prev.disabled = p === 0;
      next.disabled = p >= np - 1;
      prev.addEventListener('click', () => { pages.set(r.id, p - 1); cards.delete(r.id); schedule(); });
      next.addEventListener('click', () => { pages.set(r.id, p + 1); cards.delete(r.id); schedule(); });
      wrap.append(el('div', {className: 'pager'}, prev,
        el('span', null, (p * PAGE + 1) + '–' + (p * PAGE + rows.length) + ' of ' + list.length), next));
    }
    return wrap;
  }

  function card(r) {
    const counts = Object.entries(r.counts || {}).map(([k, v]) => v + ' ' + k).join(', ');
    const status = r.finished ? r.status : (r.stop_reason ? 'stopping' : 'running');
    const b = r.bundle || {};
    return el('div', {className: 'rollout st-' + status, dataset: {rollout: r.id, status}},
      el('div', {className: 'rhead'},
        el('span', {className: 'bundle'}, (b.name || '?') + ' ' + (b.version || '?')),
        el('span', {className: 'pill rstatus'}, status),
        el('span', {className: 'muted'}, 'rollout ' + r.id + ' · ' + (r.user || '?') + '@' + (r.host || '?') +
          ' · started ' + ago(r.created_ms) + ' · wave ' + (r.wave || 0) + '/' + (r.waves || 0) +
          ' · sha256 ' + String(b.sha256 || '').slice(0, 12)),
        el('span', {className: 'rcounts'}, counts)),
      r.stop_reason ? el('div', {className: 'stop-reason'}, 'Stopped: ' + r.stop_reason) : null,
      waveBars(r), grid(r), attention(r));
  }

  function render() {
    const list = [...rollouts.values()].sort((a, b) => (b.created_ms || 0) - (a.created_ms || 0));
    box.hidden = list.length === 0;
    const nodes = [];
    for (const r of list.slice(0, SHOWN)) {
      let c = cards.get(r.id);
      if (!c || c.r !== r) {
        c = {r, node: card(r)};
        cards.set(r.id, c);
      }
      nodes.push(c.node);
    }
    for (const id of [...cards.keys()]) {
      if (!rollouts.has(id)) cards.delete(id);
    }
    if (list.length > SHOWN) {
      nodes.push(el('p', {className: 'muted'}, (list.length - SHOWN) + ' older rollouts not shown (spindle deploy --list)'));
    }
    const list2 = document.getElementById('rollouts');
    const same = nodes.length === list2.children.length && nodes.every((n, i) => list2.children[i] === n);
    if (!same) list2.replaceChildren(...nodes);
  }

  Spindle.onRollouts = (d) => {
    if (d.full) rollouts.clear();
    for (const r of d.rollouts) rollouts.set(r.id, r);
    for (const id of d.removed || []) rollouts.delete(id);
    schedule();
  };
})();
